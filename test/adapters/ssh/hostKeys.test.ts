// Host key verification against a real sshd: unknown keys are asked about with the same
// fingerprint OpenSSH shows, accepted keys are remembered in a file OpenSSH can read, and a
// changed key is refused before the client sends any credential.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SshConnectError, SshRemoteHost, UnknownHostKey } from '../../../src/adapters/ssh';
import { nodeOptions, strictHooks } from '../../harness/sshClient';
import { SshNode, sshNodeMissing, startSshNode, testbedSkip } from '../../harness/sshNode';

describe('SSH host key verification (real sshd)', { skip: testbedSkip(sshNodeMissing()) }, () => {
  let node: SshNode;
  let dir: string;

  before(async () => {
    node = await startSshNode();
    dir = mkdtempSync(join(tmpdir(), 'ksb-hostkeys-'));
  });
  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const keygenFingerprint = (): string =>
    execFileSync('ssh-keygen', ['-lf', `${node.hostKeyPath}.pub`], { encoding: 'utf8' }).split(/\s+/)[1] ?? '';

  it('asks about an unknown host with the fingerprint ssh-keygen prints, remembers it, then asks no more', async () => {
    const opts = nodeOptions(node, node.root, dir, false);
    const asked: UnknownHostKey[] = [];
    const first = await SshRemoteHost.connect(opts, { verifyHost: (k) => { asked.push(k); return Promise.resolve(true); } });
    assert.equal((await first.exec(['id', '-u'])).stdout, '0\n');
    await first.close();
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.fingerprint, keygenFingerprint());
    assert.equal(asked[0]?.keyType, 'ssh-ed25519');
    assert.equal(asked[0]?.knownHostsFile, opts.knownHostsFiles[0]);
    // Written in OpenSSH's form: ssh-keygen -F finds it under [host]:port.
    const file = opts.knownHostsFiles[0] as string;
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${node.port}`, '-f', file], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519 /);

    const second = await SshRemoteHost.connect(opts, strictHooks);
    await second.close();
  });

  it('writes a hashed entry on request, which OpenSSH can look up', async () => {
    const opts = { ...nodeOptions(node, node.root, dir, false), hashKnownHosts: true };
    const host = await SshRemoteHost.connect(opts, { verifyHost: () => Promise.resolve(true) });
    await host.close();
    const file = opts.knownHostsFiles[0] as string;
    assert.match(readFileSync(file, 'utf8'), /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${node.port}`, '-f', file]); // exits 1 when not found
    await (await SshRemoteHost.connect(opts, strictHooks)).close();
  });

  it('trusts a known_hosts file written by ssh-keyscan', async () => {
    const opts = nodeOptions(node, node.root, dir, false);
    const scanned = execFileSync('ssh-keyscan', ['-p', String(node.port), '-t', 'ed25519', '127.0.0.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(opts.knownHostsFiles[0] as string, scanned);
    await (await SshRemoteHost.connect(opts, strictHooks)).close();
  });

  it('closes the connection before authentication when the user declines the key', async () => {
    const opts = nodeOptions(node, node.root, dir, false);
    const from = node.logSize();
    await assert.rejects(SshRemoteHost.connect(opts, { verifyHost: () => Promise.resolve(false) }),
      (err: SshConnectError) => err.reason === 'host-key-rejected' && /was not accepted/.test(err.message));
    assert.equal(readFileSync(opts.knownHostsFiles[0] as string, 'utf8'), '');
    await assertNoAuthAttempt(node, from);
  });

  it('refuses a changed host key before authentication, naming the known_hosts file and line', async () => {
    const opts = nodeOptions(node, node.root, dir, true);
    const file = opts.knownHostsFiles[0] as string;
    writeFileSync(file, `# a comment\n${readFileSync(file, 'utf8')}`); // the entry is now on line 2
    await (await SshRemoteHost.connect(opts, strictHooks)).close();
    await node.rotateHostKey();
    const from = node.logSize();
    const asked: UnknownHostKey[] = [];
    await assert.rejects(
      SshRemoteHost.connect(opts, { verifyHost: (k) => { asked.push(k); return Promise.resolve(true); } }),
      (err: SshConnectError) => {
        assert.equal(err.reason, 'host-key-changed');
        assert.ok(err.message.includes(`${file} line 2`), err.message);
        assert.ok(err.message.includes(keygenFingerprint()), err.message);
        assert.match(err.message, /refused before anything was sent/);
        return true;
      });
    assert.equal(asked.length, 0, 'a changed key is never put to the user as "unknown"');
    await assertNoAuthAttempt(node, from);
  });

  it('refuses a key marked @revoked', async () => {
    const opts = nodeOptions(node, node.root, dir, false);
    const [, type, key] = node.knownHostsLine().split(' ');
    writeFileSync(opts.knownHostsFiles[0] as string, `@revoked * ${type ?? ''} ${key ?? ''}\n${node.knownHostsLine()}\n`);
    await assert.rejects(SshRemoteHost.connect(opts, strictHooks),
      (err: SshConnectError) => err.reason === 'host-key-revoked' && /line 1/.test(err.message));
  });
});

/** sshd (LogLevel DEBUG1) logs "userauth-request" for every authentication request it gets,
 * and "Accepted"/"Failed"/"Postponed" for each credential; the connection must show none of
 * them, only that the client dropped it during key exchange (before NEWKEYS, so before the
 * encrypted channel that authentication would use even existed). */
async function assertNoAuthAttempt(node: SshNode, from: number): Promise<void> {
  let log = '';
  for (let i = 0; i < 40 && !/Connection closed|Disconnected|disconnect/i.test(log); i++) {
    await new Promise((r) => setTimeout(r, 50));
    log = node.readLog(from);
  }
  assert.match(log, /Connection from 127\.0\.0\.1/, log);
  // Disconnect reason 3 is SSH_DISCONNECT_KEY_EXCHANGE_FAILED: the client left mid key exchange.
  assert.match(log, /Received disconnect from 127\.0\.0\.1 port \d+:3:.*\[preauth\]/, log);
  assert.doesNotMatch(log, /userauth-request|Accepted|Failed|Postponed/, log);
}
