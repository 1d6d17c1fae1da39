// A non-root login works through sudo on a real sshd: the password goes only to sudo's
// random prompt, passwordless sudo asks nothing, and files land as root.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RemoteAbortError, SshConnectHooks, SshRemoteHost, SudoError } from '../../../src/adapters/ssh';
import { nodeOptions, strictHooks, waitUntilGone } from '../../harness/sshClient';
import { randomName, SshNode, sshNodeMissing, startSshNode, testbedSkip } from '../../harness/sshNode';

describe('sudo for a non-root login (real sshd and sudo)', { skip: testbedSkip(sshNodeMissing()) }, () => {
  let node: SshNode;
  let dir: string;
  let asked: string[];
  let password: string | undefined;
  const hooks: SshConnectHooks = {
    ...strictHooks,
    askPassword: (r) => { asked.push(r.purpose); return Promise.resolve(password); },
  };
  const connect = (account: 'sudo' | 'nopasswd'): Promise<SshRemoteHost> =>
    SshRemoteHost.connect(nodeOptions(node, account === 'sudo' ? node.sudoUser : node.nopasswdUser, dir), hooks);

  before(async () => {
    node = await startSshNode();
    dir = mkdtempSync(join(tmpdir(), 'ksb-sudo-'));
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs as root with a password sudo, asking once, and hides the prompt', async () => {
    asked = [];
    password = node.sudoUser.password;
    const host = await connect('sudo');
    try {
      assert.equal((await host.exec(['id', '-u'])).stdout.trim() === '0', false);
      const r = await host.exec(['id', '-u'], { asRoot: true });
      assert.deepEqual([r.exitCode, r.stdout], [0, '0\n']);
      assert.doesNotMatch(r.stderr, /ksb-sudo-|ksb-start-/);
      const cat = await host.exec(['cat'], { asRoot: true, stdin: 'piped through sudo\n' });
      assert.equal(cat.stdout, 'piped through sudo\n', 'stdin reaches the command, not sudo');
      assert.deepEqual(asked, ['sudo']);
    } finally {
      await host.close();
    }
  });

  it('refuses to go on with a wrong sudo password, and runs nothing', async () => {
    asked = [];
    password = 'not-the-password';
    const marker = join(node.dir, randomName('must-not-exist'));
    const host = await connect('sudo');
    try {
      await assert.rejects(host.exec(['touch', marker], { asRoot: true }),
        (err: unknown) => err instanceof SudoError && /did not accept the password of ksbtest/.test(err.message));
      assert.equal(existsSync(marker), false);
      password = undefined;
      await assert.rejects(host.exec(['touch', marker], { asRoot: true }),
        (err: unknown) => err instanceof SudoError && /none was given/.test(err.message));
      assert.equal(existsSync(marker), false);
      assert.deepEqual(asked, ['sudo', 'sudo'], 'a refused password is asked for again');
    } finally {
      await host.close();
    }
  });

  it('uses passwordless sudo without asking', async () => {
    asked = [];
    const host = await connect('nopasswd');
    try {
      assert.equal((await host.exec(['id', '-u'], { asRoot: true })).stdout, '0\n');
      assert.deepEqual(asked, []);
    } finally {
      await host.close();
    }
  });

  it('writes, reads and checksums root-only files through sudo', async () => {
    asked = [];
    password = node.sudoUser.password;
    const rootDir = join(node.dir, randomName('root-only'));
    mkdirSync(rootDir, { mode: 0o700 });
    const target = join(rootDir, 'runsc.toml');
    const host = await connect('sudo');
    try {
      await host.writeFile(target, 'platform = "systrap"\n', { asRoot: true, mode: 0o640 });
      const st = statSync(target);
      assert.deepEqual([st.uid, st.mode & 0o777], [0, 0o640]);
      assert.equal((await host.readFile(target, { asRoot: true })).toString(), 'platform = "systrap"\n');
      assert.match(await host.sha256(target, { asRoot: true }), /^[0-9a-f]{64}$/);
      const home = await host.exec(['sh', '-c', 'ls -a ~ | grep -c ksb-upload || true']);
      assert.equal(home.stdout.trim(), '0', 'the staged copy in the home folder is removed');
    } finally {
      await host.close();
    }
  });

  it('stops a command run through sudo when cancelled', async () => {
    password = node.sudoUser.password;
    const host = await connect('sudo');
    try {
      const ctl = new AbortController();
      const started = Date.now();
      const running = host.exec(['sleep', '32.9'], { asRoot: true, signal: ctl.signal });
      setTimeout(() => ctl.abort(), 500);
      await assert.rejects(running, RemoteAbortError);
      assert.ok(Date.now() - started < 1500);
      await waitUntilGone(host, 'sleep 32.9');
    } finally {
      await host.close();
    }
  });
});
