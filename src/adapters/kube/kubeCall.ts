// One cluster request with a deadline and a cancel signal. The deadline is enforced by racing
// the request, not only by aborting it: credential plugins (exec, OIDC) run before the request
// is sent and cannot be aborted, and a call must never hang the tree.
import { Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';
import { KubeError, toKubeError, type KubeCallContext } from './kubeErrors';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface CallOptions {
  /** Cancels the call; it then fails with a KubeError of kind `cancelled`. */
  readonly signal?: AbortSignal;
  /** Deadline for each request, in milliseconds (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * Per-request client-node options: the abort signal, plus any extra headers. The object-style
 * APIs take client-node's own Observable middleware (a thin wrapper over a Promise).
 */
export function requestOptions(signal: AbortSignal, headers: Record<string, string> = {}): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      for (const [key, value] of Object.entries(headers)) context.setHeaderParam(key, value);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

export async function runCall<T>(
  ctx: Omit<KubeCallContext, 'timeoutMs'>,
  options: CallOptions | undefined,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fullCtx: KubeCallContext = { ...ctx, timeoutMs };
  const outer = options?.signal;
  if (outer?.aborted) throw toKubeError(outer.reason, fullCtx, 'cancelled');

  const controller = new AbortController();
  let how: 'timeout' | 'cancelled' | undefined;
  let rejectEarly: (err: KubeError) => void = () => undefined;
  const early = new Promise<never>((_, reject) => (rejectEarly = reject));
  const stop = (why: 'timeout' | 'cancelled'): void => {
    if (how) return;
    how = why;
    controller.abort();
    rejectEarly(toKubeError(undefined, fullCtx, why));
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = (): void => stop('cancelled');
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([request(controller.signal), early]);
  } catch (err) {
    throw toKubeError(err, fullCtx, how);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
