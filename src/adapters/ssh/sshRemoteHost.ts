// RemoteHost over ssh2. See connect.ts for how a connection is made and verified.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { Client, SFTPWrapper } from 'ssh2';
import { handshake, SshConnectHooks, SshConnectOptions } from './connect';
import { runOnChannel, RawResult, START_WRAPPER, startMarker } from './exec';
import { ExecOptions, ExecResult, RemoteHost, SudoError, TransferOptions } from './remoteHost';
import { openSftp, putAtomic, readAll, tempNameFor, UploadSource } from './sftp';
import { shCommand } from './shellQuote';
import { SudoMode, sudoModeFrom, sudoPrefix } from './sudo';

/** Installs a file uploaded to the login user's home as root: same mode, atomic rename. */
const INSTALL_AS_ROOT = 'trap \'rm -f -- "$2"\' EXIT; install -m "$1" -- "$2" "$4" && mv -f -- "$4" "$3"';
/** Stops an abandoned command: TERM to its process group (sshd made the session's shell a
 * group leader), KILL after a second. Never group 0 or 1; a vanished pid is not an error.
 * No `--` before the negative id: dash's kill builtin rejects it ("Illegal number"). */
const KILL_GROUP = 'pg=$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | cut -d" " -f3); ' +
  'case $pg in ""|0|1) t=$1 ;; *) t=-$pg ;; esac; kill -TERM "$t" 2>/dev/null || exit 0; ' +
  'i=0; while [ $i -lt 10 ] && kill -0 "$t" 2>/dev/null; do sleep 0.1; i=$((i+1)); done; kill -KILL "$t" 2>/dev/null; exit 0';
const SHA256 = 'if command -v sha256sum >/dev/null 2>&1; then sha256sum -- "$1"; ' +
  'elif command -v shasum >/dev/null 2>&1; then shasum -a 256 -- "$1"; else openssl dgst -sha256 -r -- "$1"; fi';

export class SshRemoteHost implements RemoteHost {
  readonly label: string;
  private lost: string | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private sudo: Promise<SudoMode> | undefined;
  private sudoPassword: string | undefined;

  private constructor(
    private readonly client: Client,
    private readonly options: SshConnectOptions,
    private readonly hooks: SshConnectHooks,
    loginPassword: string | undefined,
    private readonly jumpHost: SshRemoteHost | undefined,
  ) {
    this.label = `${options.user}@${options.host}:${options.port ?? 22}`;
    this.sudoPassword = loginPassword;
    client.on('error', (err: Error) => { this.lost ??= err.message; });
    client.on('close', () => { this.lost ??= 'the connection was closed'; });
  }

  get user(): string {
    return this.options.user;
  }

  static async connect(options: SshConnectOptions, hooks: SshConnectHooks): Promise<SshRemoteHost> {
    let jump: SshRemoteHost | undefined;
    let sock: Readable | undefined;
    try {
      if (options.jump) {
        jump = await SshRemoteHost.connect(options.jump, hooks);
        sock = await jump.forwardTo(options.host, options.port ?? 22);
      }
      const { client, auth } = await handshake(options, hooks, sock);
      return new SshRemoteHost(client, options, hooks, auth.password, jump);
    } catch (err) {
      await jump?.close();
      throw err;
    }
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const raw = await this.run(argv, opts);
    const result: ExecResult = { exitCode: raw.exitCode, stdout: raw.stdout.toString('utf8'), stderr: raw.stderr.toString('utf8') };
    if (raw.signal !== undefined) result.signal = raw.signal;
    return result;
  }

  async uploadFile(localPath: string, remotePath: string, opts: TransferOptions = {}): Promise<void> {
    await this.put({ localPath }, remotePath, opts);
  }

  async writeFile(remotePath: string, data: Buffer | string, opts: TransferOptions = {}): Promise<void> {
    await this.put({ data: Buffer.from(data) }, remotePath, opts);
  }

  async readFile(remotePath: string, opts: { asRoot?: boolean; signal?: AbortSignal } = {}): Promise<Buffer> {
    if (opts.asRoot && (await this.sudoMode()) !== 'root') {
      const r = await this.run(['cat', '--', remotePath], opts);
      if (r.exitCode !== 0) throw new Error(`Reading ${remotePath} on ${this.label} failed: ${r.stderr.toString('utf8').trim()}`);
      return r.stdout;
    }
    return readAll(await this.sftp(), remotePath, opts.signal);
  }

  async sha256(remotePath: string, opts: { asRoot?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const r = await this.run(['sh', '-c', SHA256, 'sh', remotePath], opts);
    const hex = /^\\?([0-9a-f]{64})\b/i.exec(r.stdout.toString('utf8'))?.[1];
    if (r.exitCode !== 0 || !hex) {
      throw new Error(`Could not compute the SHA-256 of ${remotePath} on ${this.label}: ${r.stderr.toString('utf8').trim() || 'no checksum tool'}`);
    }
    return hex.toLowerCase();
  }

  async close(): Promise<void> {
    if (this.lost === undefined) {
      const closed = new Promise<void>((resolve) => {
        this.client.once('close', () => resolve());
        setTimeout(resolve, 2000).unref();
      });
      this.client.end();
      await closed;
      this.client.destroy();
    }
    this.lost ??= 'the connection was closed';
    this.sudoPassword = undefined;
    await this.jumpHost?.close();
  }

  private forwardTo(host: string, port: number): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        if (err) reject(new Error(`The jump host ${this.label} could not reach ${host}:${port}: ${err.message}`));
        else resolve(stream);
      });
    });
  }

  private async run(argv: readonly string[], opts: ExecOptions & { isKiller?: boolean }): Promise<RawResult> {
    this.ensureOpen();
    const asRoot = opts.asRoot ?? false;
    const prefix = sudoPrefix(asRoot ? await this.sudoMode() : 'root');
    const marker = startMarker();
    const sudo = prefix.prompt === undefined ? undefined
      : { prompt: prefix.prompt, password: await this.getSudoPassword(), user: this.user };
    const shown = argv.join(' ');
    try {
      return await runOnChannel(this.client, {
        command: shCommand([...prefix.argv, 'sh', '-c', START_WRAPPER, marker, ...argv]),
        marker,
        what: `\`${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}\` on ${this.label}`,
        timeoutMs: opts.timeoutMs ?? this.options.commandTimeoutMs ?? 300_000,
        stdin: opts.stdin, signal: opts.signal, onStdout: opts.onStdout, onStderr: opts.onStderr, sudo,
        onAbandon: opts.isKiller ? undefined : (pid) => this.killGroup(pid, asRoot),
      });
    } catch (err) {
      if (err instanceof SudoError) this.sudoPassword = undefined; // ask again next time
      throw err;
    }
  }

  private async killGroup(pid: number, asRoot: boolean): Promise<void> {
    if (this.lost !== undefined) return;
    await this.run(['sh', '-c', KILL_GROUP, 'sh', String(pid)], { asRoot, timeoutMs: 15_000, isKiller: true });
  }

  private sudoMode(): Promise<SudoMode> {
    this.sudo ??= (async () => {
      const plain = { timeoutMs: 30_000 };
      const uid = await this.run(['id', '-u'], plain);
      if (uid.stdout.toString().trim() === '0') return 'root';
      const probe = await this.run(['sudo', '-n', 'true'], plain);
      return sudoModeFrom(uid.stdout.toString(), { exitCode: probe.exitCode, stderr: probe.stderr.toString() }, this.label);
    })();
    // A failed probe (e.g. a timeout) is not remembered.
    void this.sudo.catch(() => { this.sudo = undefined; });
    return this.sudo;
  }

  private async getSudoPassword(): Promise<string | undefined> {
    if (this.sudoPassword === undefined && this.hooks.askPassword) {
      this.sudoPassword = await this.hooks.askPassword({ user: this.user, host: this.options.host, purpose: 'sudo' });
    }
    return this.sudoPassword;
  }

  private async put(source: UploadSource, remotePath: string, opts: TransferOptions): Promise<void> {
    const mode = opts.mode ?? 0o644;
    const sftp = await this.sftp();
    if (!opts.asRoot || (await this.sudoMode()) === 'root') {
      await putAtomic(sftp, source, remotePath, mode, opts.signal);
      return;
    }
    // SFTP writes as the login user: stage the file in that user's home (not a shared /tmp),
    // then install it as root.
    const home = await new Promise<string>((resolve, reject) => {
      sftp.realpath('.', (err, p) => (err ? reject(err) : resolve(p)));
    });
    const staged = posix.join(home, `.ksb-upload-${randomBytes(6).toString('hex')}`);
    await putAtomic(sftp, source, staged, 0o600, opts.signal);
    const r = await this.run(['sh', '-c', INSTALL_AS_ROOT, 'sh', mode.toString(8), staged, remotePath, tempNameFor(remotePath)],
      { asRoot: true, signal: opts.signal });
    if (r.exitCode !== 0) throw new Error(`Installing ${remotePath} as root on ${this.label} failed: ${r.stderr.toString('utf8').trim()}`);
  }

  private sftp(): Promise<SFTPWrapper> {
    this.ensureOpen();
    if (!this.sftpSession) {
      const session = openSftp(this.client);
      this.sftpSession = session;
      // An ended session (after a cancelled transfer) is replaced on next use.
      void session.then((s) => s.once('close', () => { if (this.sftpSession === session) this.sftpSession = undefined; }),
        () => { if (this.sftpSession === session) this.sftpSession = undefined; });
    }
    return this.sftpSession;
  }

  private ensureOpen(): void {
    if (this.lost !== undefined) throw new Error(`The SSH connection to ${this.label} is gone (${this.lost}). Connect again.`);
  }
}
