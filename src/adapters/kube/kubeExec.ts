// Runs one command in a container (`kubectl exec`) over client-node's websocket Exec, with the
// same deadline and cancel rules as every other call: on either, the socket is closed and the
// call fails with a KubeError.
import { Writable } from 'node:stream';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import { clientNode } from './clientNode';
import { runCall, type CallAuth, type CallOptions } from './kubeCall';
import { KubeError } from './kubeErrors';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /**
   * The command's exit status; -1 when it never ran (e.g. not found in the image), and then
   * `stderr` ends with the runtime's reason.
   */
  readonly exitCode: number;
  /** Output beyond the limit was dropped (see MAX_OUTPUT_BYTES). */
  readonly truncated: boolean;
}

/** Per stream: enough for a full kernel log, small enough not to hold a runaway command's output. */
export const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** The part of the `ws` socket this file uses (client-node types it through an untyped package). */
interface ExecSocket {
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): void;
  terminate(): void;
}

class Collector extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const room = MAX_OUTPUT_BYTES - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.size += part.length;
    }
    callback();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** The exit code in the status the server sends last: Success, or NonZeroExitCode with a cause. */
function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message === undefined ? NaN : Number(cause.message);
  return Number.isInteger(code) ? code : undefined;
}

interface ExecContext {
  readonly server: string;
  readonly user: string;
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Obtains exec-plugin credentials before the websocket opens. */
  readonly auth?: CallAuth | undefined;
}

/**
 * The websocket handshake failed: `ws` keeps only the status ("Unexpected server response:
 * 403"), not the body, so the message says what that status means for an exec.
 */
function handshakeError(err: unknown, ctx: ExecContext): Error {
  // client-node rejects with the socket's ErrorEvent, which is not an Error but has a message.
  const message = typeof (err as { message?: unknown } | null)?.message === 'string' ? (err as { message: string }).message : String(err);
  const m = /Unexpected server response: (\d+)/.exec(message);
  if (!m) return err instanceof Error ? err : Object.assign(new Error(message), { cause: err, code: (err as { error?: { code?: unknown } }).error?.code });
  const status = Number(m[1]);
  const target = `container "${ctx.container}" of pod "${ctx.pod}" in namespace "${ctx.namespace}"`;
  switch (status) {
    case 401:
      return new KubeError('unauthorized', `The cluster at ${ctx.server} refused the credentials of user "${ctx.user}" (401 Unauthorized). Log in again or update the kubeconfig.`, status, err);
    case 403:
      return new KubeError(
        'forbidden',
        `The cluster at ${ctx.server} refused to let user "${ctx.user}" exec into ${target} (403 Forbidden): RBAC must allow "create" on pods/exec there. Ask a cluster admin for that permission.`,
        status,
        err,
      );
    case 404:
      return new KubeError('notFound', `The cluster at ${ctx.server} has no pod "${ctx.pod}" in namespace "${ctx.namespace}" (404 Not Found). It may have been deleted: refresh and try again.`, status, err);
    case 400:
      return new KubeError('invalid', `The cluster refused to exec into ${target} (400 Bad Request): the container may not exist or not be running yet.`, status, err);
    default:
      return new KubeError(
        'server',
        `The cluster at ${ctx.server} answered ${status} to an exec into ${target}. The API server may not reach the node's kubelet: check that the node is Ready.`,
        status,
        err,
      );
  }
}

export function execInContainer(
  kc: KubeConfig,
  ctx: ExecContext,
  command: readonly string[],
  options: CallOptions | undefined,
): Promise<ExecResult> {
  const callCtx = { server: ctx.server, user: ctx.user, auth: ctx.auth, verb: 'exec into', resource: 'pods', name: ctx.pod };
  return runCall(callCtx, options, (signal) => {
    const stdout = new Collector();
    const stderr = new Collector();
    let status: V1Status | undefined;
    return new Promise<ExecResult>((resolve, reject) => {
      let socket: ExecSocket | undefined;
      // runCall rejects at once on deadline or cancel; this closes the socket behind it.
      signal.addEventListener('abort', () => socket?.terminate(), { once: true });
      new (clientNode().Exec)(kc)
        .exec(ctx.namespace, ctx.pod, ctx.container, [...command], stdout, stderr, null, false, (s) => (status = s))
        .then((ws: unknown) => {
          const open = ws as ExecSocket;
          socket = open;
          if (signal.aborted) {
            open.terminate();
            return;
          }
          open.on('error', (err) => reject(err));
          open.on('close', () => {
            if (!status) {
              reject(new KubeError('unreachable', `The exec connection to ${ctx.server} closed before "${command.join(' ')}" finished in pod "${ctx.pod}". Try again.`));
              return;
            }
            const code = exitCodeOf(status);
            const reason = code === undefined ? status.message ?? status.reason ?? 'the command could not be started' : '';
            resolve({
              stdout: stdout.text(),
              stderr: reason ? `${stderr.text()}${reason}\n` : stderr.text(),
              exitCode: code ?? -1,
              truncated: stdout.truncated || stderr.truncated,
            });
          });
        })
        .catch((err: unknown) => reject(handshakeError(err, ctx)));
    });
  });
}
