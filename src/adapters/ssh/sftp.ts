// SFTP transfers. Writes go to a temporary name next to the target and are renamed over it
// (posix-rename@openssh.com replaces atomically), so a node never runs a half-written binary
// or reads a half-written config, even if the connection drops mid-upload.
import { randomBytes } from 'node:crypto';
import { Client, SFTPWrapper } from 'ssh2';
import { RemoteAbortError } from './remoteHost';

export type UploadSource = { localPath: string } | { data: Buffer };

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => (err ? reject(new Error(`The node refused an SFTP session: ${err.message}`)) : resolve(sftp)));
  });
}

export function tempNameFor(remotePath: string): string {
  return `${remotePath}.ksb-${randomBytes(6).toString('hex')}.tmp`;
}

/** Upload to `remotePath` with `mode`, atomically. `signal` aborts by ending the SFTP
 * session (SFTP has no per-request cancel); the caller opens a new one next time. */
export async function putAtomic(
  sftp: SFTPWrapper, source: UploadSource, remotePath: string, mode: number, signal?: AbortSignal,
): Promise<void> {
  const tmp = tempNameFor(remotePath);
  const step = <T>(what: string, op: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
    withAbort(new Promise<T>((resolve, reject) => {
      op((err, v) => (err ? reject(new Error(`${what} failed: ${err.message}`)) : resolve(v as T)));
    }), signal, () => sftp.end());
  try {
    if ('localPath' in source) {
      await step(`Uploading ${source.localPath} to ${tmp}`, (cb) => sftp.fastPut(source.localPath, tmp, { mode }, (e) => cb(e)));
    } else {
      await step(`Writing ${tmp}`, (cb) => sftp.writeFile(tmp, source.data, { mode }, (e) => cb(e)));
    }
    // The open() mode is filtered by the server's umask; set it exactly.
    await step(`Setting mode of ${tmp}`, (cb) => sftp.chmod(tmp, mode, (e) => cb(e)));
    try {
      await step(`Renaming ${tmp}`, (cb) => sftp.ext_openssh_rename(tmp, remotePath, (e) => cb(e)));
    } catch (err) {
      if (signal?.aborted) throw err;
      // Servers without posix-rename refuse to rename over an existing file.
      await step(`Removing ${remotePath}`, (cb) => sftp.unlink(remotePath, () => cb(null)));
      await step(`Renaming ${tmp} to ${remotePath}`, (cb) => sftp.rename(tmp, remotePath, (e) => cb(e)));
    }
  } catch (err) {
    sftp.unlink(tmp, () => undefined);
    throw err;
  }
}

export function readAll(sftp: SFTPWrapper, remotePath: string, signal?: AbortSignal): Promise<Buffer> {
  return withAbort(new Promise<Buffer>((resolve, reject) => {
    sftp.readFile(remotePath, (err, data) => (err ? reject(new Error(`Reading ${remotePath} failed: ${err.message}`)) : resolve(data)));
  }), signal, () => sftp.end());
}

function withAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    onAbort();
    return Promise.reject(new RemoteAbortError('Cancelled: the file transfer was stopped.'));
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(new RemoteAbortError('Cancelled: the file transfer was stopped.'));
    };
    signal.addEventListener('abort', abort, { once: true });
    void p.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
