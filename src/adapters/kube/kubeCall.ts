// One cluster request with a deadline and a cancel signal. The deadline is enforced by racing
// the request, not only by aborting it: client-node's own authenticators (OIDC, cloud auth
// providers) run before the request is sent and cannot be aborted, and a call must never hang
// the tree. Exec credential plugins are run by us instead (CallAuth), so they can be stopped.
import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node';
import { clientNode } from './clientNode';
import { KubeError, toKubeError, type KubeCallContext } from './kubeErrors';

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Credentials a call must obtain before its request (exec plugins, see execCredential.ts).
 * `prepare` enforces the deadline and the cancel signal itself and fails with a plain KubeError.
 */
export interface CallAuth {
  prepare(limits: { readonly signal?: AbortSignal; readonly timeoutMs: number }): Promise<void>;
  /** The server refused the credentials (401): obtain fresh ones for the next call. */
  rejected(): void;
}

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
      return new (clientNode().Observable)(Promise.resolve(context));
    },
    post: (response) => new (clientNode().Observable)(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

export async function runCall<T>(
  ctx: Omit<KubeCallContext, 'timeoutMs'> & { readonly auth?: CallAuth | undefined },
  options: CallOptions | undefined,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { auth, ...plainCtx } = ctx;
  const fullCtx: KubeCallContext = { ...plainCtx, timeoutMs };
  const outer = options?.signal;
  if (outer?.aborted) throw toKubeError(outer.reason, fullCtx, 'cancelled');
  // The credential plugin and the request share one deadline.
  const started = Date.now();
  if (auth) {
    try {
      await auth.prepare({ timeoutMs, ...(outer ? { signal: outer } : {}) });
    } catch (err) {
      throw toKubeError(err, fullCtx);
    }
    if (outer?.aborted) throw toKubeError(outer.reason, fullCtx, 'cancelled');
  }

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
  const timer = setTimeout(() => stop('timeout'), Math.max(0, timeoutMs - (Date.now() - started)));
  const onAbort = (): void => stop('cancelled');
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([request(controller.signal), early]);
  } catch (err) {
    const error = toKubeError(err, fullCtx, how);
    if (error.status === 401) auth?.rejected();
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
