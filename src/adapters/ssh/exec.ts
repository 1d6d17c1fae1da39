// One command on one SSH channel: output collected, a deadline, cancellation, and — for
// `sudo -S` — the password written only after sudo's own random prompt shows on stderr.
//
// Every command starts through a small wrapper that prints a random start marker and its
// pid on stderr (and the marker on stdout), then execs the command. The marker tells us sudo
// has authenticated (so stdin can follow the password), lets us drop what a chatty
// ~/.bashrc printed before the command, and the pid lets us stop the command: closing a channel
// does not stop its processes, and OpenSSH refuses "signal" requests for root logins
// ("session signalling requires privilege separation"), so the caller kills the process
// group through a second channel instead.
import { randomBytes } from 'node:crypto';
import { Client, ClientChannel } from 'ssh2';
import { RemoteAbortError, RemoteTimeoutError, SudoError } from './remoteHost';

/** `sh -c START_WRAPPER <marker> argv…`: prints "<marker> <pid>" on stderr and "<marker>" on
 * stdout, then becomes argv. */
export const START_WRAPPER = 'printf \'%s %s\\n\' "$0" "$$" >&2; printf \'%s\\n\' "$0"; exec "$@"';

export function startMarker(): string {
  return `[ksb-start-${randomBytes(12).toString('hex')}]`;
}

export interface ChannelRun {
  /** Quoted command string: [sudo …] sh -c START_WRAPPER <marker> argv… */
  command: string;
  marker: string;
  /** For messages: what ran, where. */
  what: string;
  timeoutMs: number;
  stdin?: string | Buffer;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Answer this prompt once with the password; a second one means it was wrong. */
  sudo?: { prompt: string; password: string | undefined; user: string };
  /** Called when the command is abandoned (deadline, cancel) after it started, with its pid. */
  onAbandon?: (pid: number) => Promise<void>;
}

export interface RawResult {
  exitCode: number | null;
  signal?: string;
  stdout: Buffer;
  stderr: Buffer;
}

export function runOnChannel(client: Client, run: ChannelRun): Promise<RawResult> {
  return new Promise<RawResult>((resolve, reject) => {
    if (run.signal?.aborted) {
      reject(new RemoteAbortError(`Cancelled before ${run.what} started.`));
      return;
    }
    let channel: ClientChannel | undefined;
    let settled = false;
    let pid: number | undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let exitCode: number | null = null;
    let exitSignal: string | undefined;

    const abandon = (): void => {
      const ch = channel;
      const stop = pid !== undefined && run.onAbandon ? run.onAbandon(pid) : Promise.resolve();
      // Close the channel once the process group is gone (or after a bounded wait).
      void stop.catch(() => undefined).finally(() => ch?.close());
    };
    const settle = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (err) {
        abandon();
        reject(err);
        return;
      }
      const result: RawResult = { exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
      if (exitSignal !== undefined) result.signal = exitSignal;
      resolve(result);
    };
    const onAbort = (): void => settle(new RemoteAbortError(`Cancelled: ${run.what} was stopped.`));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => settle(new RemoteTimeoutError(
      `${run.what} did not finish within ${Math.round(run.timeoutMs / 1000)} s and was stopped.`)), run.timeoutMs);

    client.exec(run.command, (err, ch) => {
      if (err) {
        settle(new Error(`Could not start ${run.what}: ${err.message}`));
        return;
      }
      channel = ch;
      if (settled) {
        ch.close();
        return;
      }
      // Everything on stdout before our marker line came from the login shell, not the command.
      let stdoutHead: Buffer | undefined = Buffer.alloc(0);
      const stdoutMarker = Buffer.from(`${run.marker}\n`);
      ch.on('data', (d: Buffer) => {
        if (stdoutHead) {
          stdoutHead = Buffer.concat([stdoutHead, d]);
          const at = stdoutHead.indexOf(stdoutMarker);
          if (at < 0) return;
          d = stdoutHead.subarray(at + stdoutMarker.length);
          stdoutHead = undefined;
          if (d.length === 0) return;
        }
        stdout.push(d);
        run.onStdout?.(d);
      });
      let started = false;
      let prompts = 0;
      let pending = '';
      const emitStderr = (text: string): void => {
        if (!text) return;
        const b = Buffer.from(text, 'utf8');
        stderr.push(b);
        run.onStderr?.(b);
      };
      // Until the command starts, stderr is scanned for sudo's prompt and our marker line,
      // which are cut out; a buffer copes with them being split across chunks.
      const scan = (): void => {
        const markerRe = new RegExp(`${escapeRe(run.marker)} (\\d+)\\n`);
        while (!started && !settled) {
          const m = markerRe.exec(pending);
          const p = run.sudo ? pending.indexOf(run.sudo.prompt) : -1;
          if (m && (p < 0 || m.index < p)) {
            emitStderr(pending.slice(0, m.index));
            pending = pending.slice(m.index + m[0].length);
            pid = Number(m[1]);
            started = true;
            if (run.stdin !== undefined) ch.write(run.stdin);
            ch.end();
          } else if (p >= 0 && run.sudo) {
            emitStderr(pending.slice(0, p));
            pending = pending.slice(p + run.sudo.prompt.length);
            const { user, password } = run.sudo;
            if (++prompts > 1 || password === undefined) {
              settle(new SudoError(password === undefined
                ? `sudo asked for the password of ${user}, and none was given, so ${run.what} was not run.`
                : `sudo did not accept the password of ${user}, so ${run.what} was not run.`));
              return;
            }
            ch.write(`${password}\n`);
          } else {
            break;
          }
        }
        const longest = Math.max(run.marker.length + 24, run.sudo?.prompt.length ?? 0);
        const keep = started ? 0 : Math.min(pending.length, longest);
        emitStderr(pending.slice(0, pending.length - keep));
        pending = pending.slice(pending.length - keep);
      };
      ch.stderr.on('data', (d: Buffer) => {
        if (started && !pending) {
          stderr.push(d);
          run.onStderr?.(d);
          return;
        }
        pending += d.toString('utf8');
        scan();
      });
      ch.on('exit', (code: number | null, sig?: string) => {
        exitCode = code;
        if (sig) exitSignal = sig;
      });
      ch.on('close', () => {
        if (pending) emitStderr(pending);
        pending = '';
        if (!started && run.sudo) {
          // sudo exited without starting the command: no rights, requiretty, no password.
          const said = Buffer.concat(stderr).toString('utf8').trim().split('\n').pop() ?? '';
          settle(new SudoError(`sudo refused to run ${run.what} as root for ${run.sudo.user}${said ? `: ${said}` : ''}.`));
          return;
        }
        settle(undefined);
      });
    });
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
