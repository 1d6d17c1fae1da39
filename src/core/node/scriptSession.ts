// One installer visit to a node: a private temporary folder made by the login user (mktemp,
// mode 0700), the node script uploaded into it over SFTP, every step run from there as root
// (`sh <script> <subcommand> <args>`, arguments quoted by the shell adapter), and the folder
// removed at the end. Files for the node (config candidates, uploaded binaries) are staged in
// the same folder, so nothing is ever written through a shared, guessable path.
import { posix } from 'node:path';
import { NODE_SCRIPT } from './nodeScript';
import { stepResult, type KeyValues } from './nodeFacts';
import type { NodeShell } from './nodeShell';
import { scriptArgv, type ScriptCall } from './remoteScript';

export interface SessionHooks {
  /** One line of the script's stderr (diagnostics, package manager output). */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export class ScriptSession {
  private staged = 0;

  private constructor(
    readonly shell: NodeShell,
    /** The private folder on the node. */
    readonly dir: string,
    private readonly hooks: SessionHooks,
  ) {}

  get scriptPath(): string {
    return posix.join(this.dir, 'ksb-node.sh');
  }

  static async open(shell: NodeShell, hooks: SessionHooks = {}): Promise<ScriptSession> {
    const made = await shell.exec(['mktemp', '-d', '-t', 'ksb-node.XXXXXXXXXX'], { timeoutMs: 30_000, ...(hooks.signal ? { signal: hooks.signal } : {}) });
    const dir = made.stdout.trim();
    if (made.exitCode !== 0 || !/^\/[^\n]+$/.test(dir)) {
      throw new Error(`Could not create a private temporary folder on ${shell.label} (mktemp: ${made.stderr.trim() || `exit ${made.exitCode ?? 'signal'}`}).`);
    }
    const session = new ScriptSession(shell, dir, hooks);
    try {
      await shell.exec(['chmod', '700', dir], { timeoutMs: 30_000 });
      await shell.writeFile(session.scriptPath, NODE_SCRIPT, { mode: 0o700, ...(hooks.signal ? { signal: hooks.signal } : {}) });
    } catch (err) {
      await session.close();
      throw err;
    }
    return session;
  }

  /** Runs one script step as root; a refused step throws NodeStepError. `signal: null`
   * runs it uncancellable (undoing must not stop halfway). */
  async run(what: string, call: ScriptCall, timeoutMs: number, options: { signal?: AbortSignal | null } = {}): Promise<KeyValues> {
    let pending = '';
    const log = this.hooks.log;
    const signal = options.signal === null ? undefined : options.signal ?? this.hooks.signal;
    const r = await this.shell.exec(scriptArgv(this.scriptPath, call), {
      asRoot: true,
      timeoutMs,
      ...(signal ? { signal } : {}),
      ...(log ? {
        onStderr: (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const l of lines) if (l.trim() !== '') log(l);
        },
      } : {}),
    });
    if (log && pending.trim() !== '') log(pending);
    return stepResult(what, r.stdout, r.stderr, r.exitCode);
  }

  /** Writes text into the private folder (as the login user); returns its path. */
  async stage(text: string, hint: string, options: { signal?: AbortSignal | null } = {}): Promise<string> {
    const path = posix.join(this.dir, `${String(++this.staged).padStart(2, '0')}-${hint.replace(/[^A-Za-z0-9._-]/g, '_')}`);
    const signal = options.signal === null ? undefined : options.signal ?? this.hooks.signal;
    await this.shell.writeFile(path, text, { mode: 0o600, ...(signal ? { signal } : {}) });
    return path;
  }

  /** Uploads local files to `<dir>/<sub>/<name>`, with a SHA256SUMS list the script checks. */
  async uploadSet(sub: string, items: ReadonlyArray<{ local: string; name: string; sha256: string }>): Promise<string> {
    const stage = posix.join(this.dir, sub);
    const dirs = [...new Set(items.map((i) => posix.dirname(posix.join(stage, i.name))))];
    const made = await this.shell.exec(['mkdir', '-p', stage, ...dirs], { timeoutMs: 30_000 });
    if (made.exitCode !== 0) throw new Error(`Could not create ${stage} on ${this.shell.label}: ${made.stderr.trim()}`);
    for (const item of items) {
      await this.shell.uploadFile(item.local, posix.join(stage, item.name), { mode: 0o700, ...(this.hooks.signal ? { signal: this.hooks.signal } : {}) });
    }
    const sums = items.map((i) => `${i.sha256}  ${i.name}\n`).join('');
    await this.shell.writeFile(posix.join(stage, 'SHA256SUMS'), sums, { mode: 0o600 });
    return stage;
  }

  /** Removes the private folder; a failure here is not the install's failure. */
  async close(): Promise<void> {
    try {
      await this.shell.exec(['rm', '-rf', '--', this.dir], { timeoutMs: 30_000 });
    } catch {
      // The folder is private and under the temporary directory; the node cleans it up.
    }
  }
}
