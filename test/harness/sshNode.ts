// A real SSH "node" for adapter tests (TESTBED.md §2): a private sshd on a free loopback
// port with its own host key, authorized test keys, root login by key, and two sudo users —
// `ksbtest` (sudo asks for a password) and `ksbnopw` (NOPASSWD). Binaries come from
// scripts/testbed/install-node.sh.
//
// System changes, kept small and idempotent: /run/sshd, the two accounts, and one sudoers
// drop-in. They persist across runs (several test files start nodes in parallel, so none of
// them may remove what another one uses). ksbtest's password is random, made once and kept
// root-only under the test-bed cache, so the sudo account is not a known-password account.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const CACHE = process.env.KUBE_SANDBOX_CACHE ?? '/var/cache/kube-sandbox';
export const SUDO_USER = 'ksbtest';
export const NOPASSWD_USER = 'ksbnopw';
const SUDOERS_DROPIN = '/etc/sudoers.d/kube-sandbox-testbed';

export interface TestAccount {
  user: string;
  /** Private key file (no passphrase); its .pub is authorized for this account. */
  keyPath: string;
  password?: string;
}

export interface SshNode {
  host: string;
  port: number;
  dir: string;
  logPath: string;
  hostKeyPath: string;
  root: TestAccount;
  sudoUser: TestAccount & { password: string };
  nopasswdUser: TestAccount;
  /** A key pair that no account authorizes. */
  strangerKeyPath: string;
  /** Bytes in sshd's log so far: slice readLog() from here to see one connection's lines. */
  logSize(): number;
  readLog(from?: number): string;
  /** The known_hosts line for the current host key (`[127.0.0.1]:port type base64`). */
  knownHostsLine(): string;
  /** Restart sshd on the same port with a freshly generated host key. */
  rotateHostKey(): Promise<void>;
  stop(): Promise<void>;
}

/** What is missing for a real SSH node, or undefined when everything is there. */
export function sshNodeMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the SSH test node needs root (it runs a private sshd and sudo test accounts)';
  const need = [SSHD, '/usr/bin/ssh-keygen', '/usr/bin/sudo', '/usr/sbin/useradd', '/usr/sbin/visudo', '/usr/bin/flock'];
  const missing = need.filter((p) => !existsSync(p));
  return missing.length ? `missing ${missing.join(', ')}: run scripts/testbed/install-node.sh` : undefined;
}

/** node:test `skip` value: a reason to skip, or false. Under KUBE_SANDBOX_REQUIRE_TESTBED=1
 * (CI) a missing test bed is an error, not a skip. */
export function testbedSkip(missing: string | undefined): string | false {
  if (!missing) return false;
  if (process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1') throw new Error(`Test bed incomplete: ${missing}`);
  return missing;
}

export async function startSshNode(): Promise<SshNode> {
  const missing = sshNodeMissing();
  if (missing) throw new Error(missing);
  const sudoPassword = await ensureAccounts();
  const dir = mkdtempSync(join(tmpdir(), 'ksb-sshd-'));
  // sshd reads a user's authorized keys as that user: the folder must be traversable.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'authorized_keys'), { mode: 0o755 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const logPath = join(dir, 'sshd.log');
  const key = async (name: string, user?: string): Promise<string> => {
    const path = join(dir, name);
    await keygen(path);
    if (user) writeFileSync(join(dir, 'authorized_keys', user), readFileSync(`${path}.pub`), { mode: 0o644 });
    return path;
  };
  await keygen(hostKeyPath);
  const root = { user: 'root', keyPath: await key('root_key', 'root') };
  const sudoUser = { user: SUDO_USER, keyPath: await key('ksbtest_key', SUDO_USER), password: sudoPassword };
  const nopasswdUser = { user: NOPASSWD_USER, keyPath: await key('ksbnopw_key', NOPASSWD_USER) };
  const strangerKeyPath = await key('stranger_key');

  let port = 0;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (!port || attempt > 0) port = await freePort();
      writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, port, hostKeyPath));
      try {
        child = await launch(dir, logPath, port);
        return;
      } catch (err) {
        // Another process may take the port between freePort() and sshd's bind: retry.
        if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
      }
    }
  };
  await start();
  const stopSshd = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.ref(); // unref'd so a forgotten stop() cannot hang a test run; waiting needs it back
    c.kill('SIGTERM');
    await exited;
  };
  return {
    host: '127.0.0.1',
    get port() { return port; },
    dir, logPath, hostKeyPath, root, sudoUser, nopasswdUser, strangerKeyPath,
    logSize: () => (existsSync(logPath) ? statSync(logPath).size : 0),
    knownHostsLine: () => {
      const [type, key] = readFileSync(`${hostKeyPath}.pub`, 'utf8').trim().split(/\s+/);
      return `[127.0.0.1]:${port} ${type ?? ''} ${key ?? ''}`;
    },
    readLog: (from = 0) => (existsSync(logPath) ? readFileSync(logPath).subarray(from).toString('utf8') : ''),
    rotateHostKey: async () => {
      await stopSshd();
      rmSync(hostKeyPath, { force: true });
      rmSync(`${hostKeyPath}.pub`, { force: true });
      await keygen(hostKeyPath);
      const fixed = port;
      child = await launch(dir, logPath, fixed);
    },
    stop: async () => {
      await stopSshd();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sshdConfig(dir: string, port: number, hostKeyPath: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys', '%u')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    // DEBUG1 logs every userauth-request: the tests read it to prove what did not happen.
    'LogLevel DEBUG1',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

async function launch(dir: string, logPath: string, port: number): Promise<ChildProcess> {
  const from = existsSync(logPath) ? statSync(logPath).size : 0;
  // -D keeps sshd in the foreground, so this process owns its pid and can stop it.
  const child = spawn(SSHD, ['-D', '-f', join(dir, 'sshd_config'), '-E', logPath], { stdio: 'ignore' });
  child.unref();
  const kill = (): void => { child.kill('SIGTERM'); };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answersSsh(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGTERM');
  const log = existsSync(logPath) ? readFileSync(logPath).subarray(from).toString('utf8') : '';
  throw new Error(`sshd did not start on 127.0.0.1:${port}:\n${log}`);
}

function answersSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => { sock.destroy(); resolve(ok); };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-2.0-')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function keygen(path: string): Promise<void> {
  await run('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kube-sandbox-test', '-f', path]);
}

/** Creates the test accounts and sudoers drop-in if missing, under a lock shared by all test
 * processes; returns ksbtest's password. */
async function ensureAccounts(): Promise<string> {
  const stateDir = join(CACHE, 'testbed');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const pwFile = join(stateDir, `${SUDO_USER}.password`);
  const sudoers = [
    '# Test accounts of kube-sandbox\'s SSH test bed (test/harness/sshNode.ts).',
    `${SUDO_USER} ALL=(ALL:ALL) ALL`,
    `${NOPASSWD_USER} ALL=(ALL:ALL) NOPASSWD: ALL`,
    '',
  ].join('\n');
  const script = `
set -eu
pwfile=$1; sudoers=$2
[ -s "$pwfile" ] || { umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$pwfile"; }
for u in ${SUDO_USER} ${NOPASSWD_USER}; do
  id -u "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash -c 'kube-sandbox test bed' "$u"
done
printf '%s:%s\\n' ${SUDO_USER} "$(cat "$pwfile")" | chpasswd
# "*" is no valid password but, unlike useradd's "!", does not lock the account for sshd.
usermod -p '*' ${NOPASSWD_USER}
if ! cmp -s "$sudoers" ${SUDOERS_DROPIN} 2>/dev/null; then
  visudo -cqf "$sudoers"
  install -m 0440 "$sudoers" ${SUDOERS_DROPIN}.tmp && mv ${SUDOERS_DROPIN}.tmp ${SUDOERS_DROPIN}
fi`;
  const tmp = mkdtempSync(join(tmpdir(), 'ksb-sudoers-'));
  try {
    writeFileSync(join(tmp, 'sudoers'), sudoers, { mode: 0o440 });
    await run('/usr/bin/flock', [join(stateDir, 'accounts.lock'), 'sh', '-c', script, 'sh', pwFile, join(tmp, 'sudoers')]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return readFileSync(pwFile, 'utf8').trim();
}

/** A random string, for tests that need unique names. */
export function randomName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
