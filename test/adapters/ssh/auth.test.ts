// Authentication and connection failures against a real sshd: refused keys, passphrases,
// passwords, unreachable and silent ports, cancellation, and a jump host.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SshConnectError, SshRemoteHost } from '../../../src/adapters/ssh';
import { nodeOptions, strictHooks } from '../../harness/sshClient';
import { SshNode, sshNodeMissing, startSshNode, testbedSkip } from '../../harness/sshNode';

const reason = (r: SshConnectError['reason']) => (err: unknown): boolean => {
  assert.ok(err instanceof SshConnectError, String(err));
  assert.equal(err.reason, r, err.message);
  return true;
};

describe('SSH authentication and connection failures (real sshd)', { skip: testbedSkip(sshNodeMissing()) }, () => {
  let node: SshNode;
  let dir: string;

  before(async () => {
    node = await startSshNode();
    dir = mkdtempSync(join(tmpdir(), 'ksb-auth-'));
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a key the node does not authorize as refused authentication', async () => {
    const opts = { ...nodeOptions(node, node.root, dir), identityFiles: [node.strangerKeyPath] };
    const from = node.logSize();
    await assert.rejects(SshRemoteHost.connect(opts, strictHooks), (err: unknown) => {
      reason('auth-failed')(err);
      const msg = (err as Error).message;
      assert.match(msg, /refused authentication/);
      assert.ok(msg.includes(`identity file ${node.strangerKeyPath}`), msg);
      assert.match(msg, /authorized_keys/);
      return true;
    });
    assert.match(node.readLog(from), /userauth-request for user root service ssh-connection method publickey/);
    assert.doesNotMatch(node.readLog(from), /Accepted publickey/);
  });

  it('authenticates with a key held by ssh-agent', async () => {
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', [node.root.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const opts = { ...nodeOptions(node, node.root, dir), identityFiles: [], agentSocket: sock };
      const host = await SshRemoteHost.connect(opts, strictHooks);
      assert.equal((await host.exec(['id', '-u'])).stdout, '0\n');
      await host.close();
    } finally {
      agent.kill('SIGTERM');
    }
  });

  it('asks for the passphrase of an encrypted identity file', async () => {
    const key = join(dir, 'encrypted_key');
    // Few KDF rounds: ssh2 decrypts in pure JS, and the flow, not the KDF, is under test.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '2', '-N', 'correct horse', '-f', key]);
    appendFileSync(join(node.dir, 'authorized_keys', 'root'), readFileSync(`${key}.pub`));
    const opts = { ...nodeOptions(node, node.root, dir), identityFiles: [key] };
    const asked: string[] = [];
    const host = await SshRemoteHost.connect(opts, { ...strictHooks, askPassphrase: (f) => { asked.push(f); return Promise.resolve('correct horse'); } });
    assert.equal((await host.exec(['id', '-u'])).stdout, '0\n');
    await host.close();
    assert.deepEqual(asked, [key]);

    await assert.rejects(
      SshRemoteHost.connect(opts, { ...strictHooks, askPassphrase: () => Promise.resolve('wrong') }),
      (err: unknown) => reason('auth-failed')(err) && /passphrase for .* was not accepted/.test((err as Error).message));
  });

  it('logs in with a password from the prompt', async () => {
    const opts = { ...nodeOptions(node, node.sudoUser, dir), identityFiles: [] };
    const asked: string[] = [];
    const host = await SshRemoteHost.connect(opts, {
      ...strictHooks,
      askPassword: (r) => { asked.push(`${r.purpose}:${r.user}@${r.host}`); return Promise.resolve(node.sudoUser.password); },
    });
    assert.equal((await host.exec(['id', '-un'])).stdout, `${node.sudoUser.user}\n`);
    await host.close();
    assert.deepEqual(asked, [`login:${node.sudoUser.user}@127.0.0.1`]);
  });

  it('fails fast on a closed port', async () => {
    const srv = await listen();
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const started = Date.now();
    await assert.rejects(SshRemoteHost.connect({ ...nodeOptions(node, node.root, dir), port, connectTimeoutMs: 5000 }, strictHooks),
      (err: unknown) => reason('unreachable')(err) && /connection was refused/.test((err as Error).message));
    assert.ok(Date.now() - started < 5000);
  });

  it('gives up on a port that never answers at the connect deadline', async () => {
    const sockets: Socket[] = [];
    const srv = await listen((s) => sockets.push(s)); // accepts, then says nothing
    try {
      const port = (srv.address() as { port: number }).port;
      const started = Date.now();
      await assert.rejects(SshRemoteHost.connect({ ...nodeOptions(node, node.root, dir), port, connectTimeoutMs: 700 }, strictHooks),
        reason('timeout'));
      const took = Date.now() - started;
      assert.ok(took >= 650 && took < 2000, `took ${took} ms`);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => srv.close(r));
    }
  });

  it('stops the connect clock while the user looks at a host key', async () => {
    const opts = { ...nodeOptions(node, node.root, dir, false), connectTimeoutMs: 1000 };
    const host = await SshRemoteHost.connect(opts, { verifyHost: () => new Promise((r) => setTimeout(() => r(true), 1500)) });
    await host.close();
  });

  it('is cancelled while waiting for an answer about the host key', async () => {
    const ctl = new AbortController();
    const opts = nodeOptions(node, node.root, dir, false);
    const started = Date.now();
    const connecting = SshRemoteHost.connect(opts, {
      signal: ctl.signal,
      verifyHost: () => { setTimeout(() => ctl.abort(), 100); return new Promise(() => undefined); },
    });
    await assert.rejects(connecting, reason('aborted'));
    assert.ok(Date.now() - started < 1500);
  });

  it('reaches a host through a jump host', async () => {
    const opts = { ...nodeOptions(node, node.nopasswdUser, dir), jump: nodeOptions(node, node.root, dir) };
    const host = await SshRemoteHost.connect(opts, strictHooks);
    assert.equal((await host.exec(['id', '-un'])).stdout, `${node.nopasswdUser.user}\n`);
    await host.close();
  });
});

function listen(onConnection?: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve) => {
    const srv = createServer(onConnection);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}
