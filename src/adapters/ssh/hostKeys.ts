// Host key verification against known_hosts, run by ssh2 during key exchange — before the
// client sends any user name, key or password. Unknown keys are put to the caller with their
// SHA256 fingerprint; a changed or revoked key refuses the connection, with no override.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import {
  HostKeyLookup, keyTypeOfBlob, knownHostsLine, knownHostsName, knownKeyTypes, lookupHostKey, sha256Fingerprint,
} from '../../core/node/knownHosts';
import { SshConnectError } from './remoteHost';

export interface UnknownHostKey {
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Where the key is remembered if accepted. */
  knownHostsFile: string;
  /** Key types already known for this host: OpenSSH warns about these too. */
  otherKnownTypes: string[];
}

export interface HostKeyCheckOptions {
  host: string;
  port: number;
  /** Files to check, in order; the first one receives accepted keys. */
  knownHostsFiles: string[];
  hashKnownHosts?: boolean;
  ask: (key: UnknownHostKey) => Promise<boolean>;
  onProgress?: (message: string) => void;
}

export class HostKeyCheck {
  private refused: SshConnectError | undefined;

  constructor(private readonly opts: HostKeyCheckOptions) {
    if (opts.knownHostsFiles.length === 0) throw new Error('At least one known_hosts file is needed.');
  }

  /** Why the host key was refused, once ssh2 has reported "Host denied". */
  get refusal(): SshConnectError | undefined {
    return this.refused;
  }

  /** Host key algorithms with the types known_hosts already holds first, as OpenSSH orders
   * them, so a server with several keys shows us the one we can check. */
  preferredAlgorithms(defaults: readonly string[]): string[] {
    const known = new Set<string>();
    for (const f of this.opts.knownHostsFiles) {
      for (const t of knownKeyTypes(readText(f), this.opts.host, this.opts.port)) known.add(t);
    }
    const algs = (t: string): string[] => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]);
    const first = [...known].flatMap(algs).filter((a) => defaults.includes(a));
    return [...first, ...defaults.filter((a) => !first.includes(a))];
  }

  /** ssh2 `hostVerifier` (callback form): verify(false) makes ssh2 drop the connection. */
  readonly verifier = (key: Buffer, verify: (ok: boolean) => void): void => {
    this.check(key).then(verify, (err: unknown) => {
      this.refused = new SshConnectError(`Checking the host key failed: ${String(err)}`, 'host-key-rejected');
      verify(false);
    });
  };

  private async check(key: Buffer): Promise<boolean> {
    const { host, port, knownHostsFiles } = this.opts;
    const keyType = keyTypeOfBlob(key) ?? 'unknown';
    const fingerprint = sha256Fingerprint(key);
    const where = `${host}:${port}`;
    this.opts.onProgress?.(`Checking host key of ${where} (${keyType} ${fingerprint})`);
    const results: Array<[string, HostKeyLookup]> = knownHostsFiles.map((f) => [f, lookupHostKey(readText(f), host, port, keyType, key)]);
    const found = (s: HostKeyLookup['status']): [string, HostKeyLookup] | undefined => results.find(([, r]) => r.status === s);
    const revoked = found('revoked');
    if (revoked) {
      this.refused = new SshConnectError(
        `The host key of ${where} (${keyType} ${fingerprint}) is marked @revoked in ${revoked[0]} line ${revoked[1].line ?? '?'}. ` +
        'The connection was refused before anything was sent to the node. Ask the node\'s administrator for its current key.',
        'host-key-revoked');
      return false;
    }
    if (found('match')) return true;
    const changed = found('changed');
    if (changed) {
      const [file, r] = changed;
      this.refused = new SshConnectError(
        `The host key of ${where} has changed: ${file} line ${r.line ?? '?'} holds a different ${keyType} key, ` +
        `and the node now presents ${fingerprint}. Someone may be intercepting the connection, or the node was ` +
        'reinstalled. The connection was refused before anything was sent to the node. If you know the key changed ' +
        `legitimately, remove the old entry (ssh-keygen -R '${knownHostsName(host, port)}' -f ${file}) and connect again.`,
        'host-key-changed');
      return false;
    }
    const otherKnownTypes = [...new Set(results.flatMap(([, r]) => r.knownTypes))];
    const knownHostsFile = knownHostsFiles[0] as string;
    const accepted = await this.opts.ask({ host, port, keyType, fingerprint, knownHostsFile, otherKnownTypes });
    if (!accepted) {
      this.refused = new SshConnectError(
        `The host key of ${where} (${keyType} ${fingerprint}) was not accepted, so the connection was closed before ` +
        'anything was sent to the node.', 'host-key-rejected');
      return false;
    }
    const salt = this.opts.hashKnownHosts ? randomBytes(20) : undefined;
    appendLine(knownHostsFile, knownHostsLine(host, port, keyType, key.toString('base64'), salt));
    this.opts.onProgress?.(`Remembered the host key of ${where} in ${knownHostsFile}`);
    return true;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

function appendLine(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const before = readText(file);
  const sep = before === '' || before.endsWith('\n') ? '' : '\n';
  // One write with O_APPEND: concurrent connections to many nodes do not interleave lines.
  appendFileSync(file, `${sep}${line}\n`, { mode: 0o600 });
}
