// Every failure of a cluster call becomes one KubeError with a sentence a user can act on.
// The raw cause stays attached for the output channel.

export type KubeErrorKind =
  | 'config' // the kubeconfig is missing, unreadable or names something it does not define
  | 'unreachable' // no connection (refused, unknown host, network down, reset)
  | 'tls' // connected, but the server's certificate is not trusted
  | 'timeout' // no answer within the deadline
  | 'cancelled' // the caller gave up (tree collapsed, command cancelled)
  | 'unauthorized' // 401
  | 'forbidden' // 403 from RBAC
  | 'rejected' // 403 from admission (e.g. `RuntimeClass "x" not found`)
  | 'notFound' // 404
  | 'conflict' // 409
  | 'invalid' // 422
  | 'server'; // any other status

export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** What a call was doing, for messages: `list` `nodes` on `https://…` as `alice`. */
export interface KubeCallContext {
  readonly server: string;
  readonly user: string;
  readonly verb: string;
  readonly resource: string;
  readonly name?: string;
  readonly timeoutMs: number;
}

/** The `Status` object the API server sends with an error, as far as messages need it. */
interface StatusBody {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly name?: string; readonly kind?: string; readonly group?: string };
}

function parseStatus(body: unknown): StatusBody {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 500) } : {};
    }
  }
  return typeof value === 'object' && value !== null ? value : {};
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed',
};

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

function describeTarget(ctx: KubeCallContext): string {
  return ctx.name ? `${ctx.resource} "${ctx.name}"` : ctx.resource;
}

/** A 403 from RBAC reads `… User "bob" cannot list resource "nodes" in API group "" at the cluster scope`. */
function forbidden(status: StatusBody, ctx: KubeCallContext): KubeError | undefined {
  const message = status.message ?? '';
  const m = /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]*)"| at the cluster scope)?/.exec(message);
  if (!m) return undefined;
  const [, user, verb, resource, group, namespace] = m;
  const qualified = group ? `${resource}.${group}` : (resource ?? ctx.resource);
  const where = namespace ? ` in namespace "${namespace}"` : '';
  return new KubeError(
    'forbidden',
    `RBAC forbids ${user ?? ctx.user} to ${verb ?? ctx.verb} ${qualified}${where} on ${ctx.server}. ` +
      `Ask a cluster admin for a role that allows it, or choose a context whose user has it.`,
    403,
  );
}

function fromStatus(code: number, body: unknown, ctx: KubeCallContext, cause: unknown): KubeError {
  const status = parseStatus(body);
  const serverSays = status.message ? `: ${status.message}` : '';
  switch (code) {
    case 401:
      return new KubeError(
        'unauthorized',
        `The cluster at ${ctx.server} refused the credentials of user "${ctx.user}" (401 Unauthorized). ` +
          `The token or certificate may have expired: log in again or update the kubeconfig.`,
        code,
        cause,
      );
    case 403:
      return (
        forbidden(status, ctx) ??
        new KubeError('rejected', `The cluster refused to ${ctx.verb} ${describeTarget(ctx)}${serverSays}`, code, cause)
      );
    case 404:
      return new KubeError(
        'notFound',
        `The cluster at ${ctx.server} has no ${describeTarget(ctx)} (404 Not Found)${serverSays}. It may have been deleted or renamed: refresh and try again.`,
        code,
        cause,
      );
    case 409:
      return new KubeError('conflict', `Someone else changed ${describeTarget(ctx)} at the same time (409 Conflict)${serverSays}. Try again.`, code, cause);
    case 422:
      return new KubeError('invalid', `The cluster refused ${describeTarget(ctx)} as invalid${serverSays}`, code, cause);
    default:
      return new KubeError('server', `The cluster at ${ctx.server} answered ${code} to ${ctx.verb} ${describeTarget(ctx)}${serverSays}`, code, cause);
  }
}

/** Maps anything a client-node call threw (or a deadline/cancel) to a KubeError. */
export function toKubeError(err: unknown, ctx: KubeCallContext, how?: 'timeout' | 'cancelled'): KubeError {
  if (err instanceof KubeError) return err;
  if (how === 'timeout') {
    return new KubeError(
      'timeout',
      `The cluster at ${ctx.server} did not answer within ${Math.round(ctx.timeoutMs / 100) / 10} s (${ctx.verb} ${describeTarget(ctx)}). ` +
        `It may be overloaded or unreachable: try again, or allow a longer request timeout.`,
      undefined,
      err,
    );
  }
  if (how === 'cancelled') return new KubeError('cancelled', `Cancelled: ${ctx.verb} ${describeTarget(ctx)} on ${ctx.server}.`, undefined, err);
  const status = httpStatus(err);
  if (status !== undefined) return fromStatus(status, (err as { body?: unknown }).body, ctx, err);
  const code = errorCode(err);
  if (code && NETWORK_CODES[code]) {
    return new KubeError(
      'unreachable',
      `Cannot reach the cluster at ${ctx.server}: ${NETWORK_CODES[code]}. Check that the cluster is running and that the kubeconfig's server address is right.`,
      undefined,
      err,
    );
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new KubeError(
      'tls',
      `The cluster at ${ctx.server} presented a certificate the kubeconfig does not trust (${code}). Check the cluster's certificate-authority in the kubeconfig.`,
      undefined,
      err,
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new KubeError('server', `Could not ${ctx.verb} ${describeTarget(ctx)} on ${ctx.server}: ${detail}`, undefined, err);
}
