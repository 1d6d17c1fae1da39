// Commands and files on a real sshd, as root: arguments arrive byte for byte, uploads match
// their checksum, deadlines and cancellation stop the remote process and return promptly.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RemoteAbortError, RemoteTimeoutError, SshRemoteHost } from '../../../src/adapters/ssh';
import { nodeOptions, strictHooks, waitUntilGone } from '../../harness/sshClient';
import { SshNode, sshNodeMissing, startSshNode, testbedSkip } from '../../harness/sshNode';

describe('SSH exec and file transfer as root (real sshd)', { skip: testbedSkip(sshNodeMissing()) }, () => {
  let node: SshNode;
  let dir: string;
  let host: SshRemoteHost;

  before(async () => {
    node = await startSshNode();
    dir = mkdtempSync(join(tmpdir(), 'ksb-exec-'));
    host = await SshRemoteHost.connect(nodeOptions(node, node.root, dir), strictHooks);
  });
  after(async () => {
    await host?.close();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes awkward arguments through intact', async () => {
    const args = [
      'two words', "it's", '"double"', '$(touch /tmp/ksb-pwned)', '`id`', '$HOME', 'a\nb\nc', '',
      '*', '; rm -rf /', '\\back\\slash', '--', '-n', 'tab\there', 'ünïcødé', "'", "''", 'A=b', '~',
    ];
    const r = await host.exec(['printf', '%s\\0', ...args]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), args);
    const pwned = await host.exec(['test', '-e', '/tmp/ksb-pwned']);
    assert.equal(pwned.exitCode, 1, 'no argument was run as shell syntax');
  });

  it('reports exit codes, stderr and stdin', async () => {
    const r = await host.exec(['sh', '-c', 'cat; echo oops >&2; exit 3'], { stdin: 'from stdin\n' });
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [3, 'from stdin\n', 'oops\n']);
  });

  it('uploads a file atomically with its mode, and the node computes the same SHA-256', async () => {
    const local = join(dir, 'payload.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    writeFileSync(local, data);
    const remote = join(node.dir, 'uploaded.bin');
    await host.uploadFile(local, remote, { mode: 0o750 });
    assert.equal(await host.sha256(remote), createHash('sha256').update(data).digest('hex'));
    assert.equal(statSync(remote).mode & 0o777, 0o750);
    const ls = await host.exec(['sh', '-c', 'ls -a "$1" | grep -c "ksb-.*tmp" || true', 'sh', node.dir]);
    assert.equal(ls.stdout.trim(), '0', 'no temporary file is left behind');
  });

  it('writes and reads back a file, replacing the old content', async () => {
    const remote = join(node.dir, 'config.toml');
    await host.writeFile(remote, 'version = 2\n', { mode: 0o600 });
    await host.writeFile(remote, 'version = 3\n# ünïcødé\n', { mode: 0o644 });
    assert.equal((await host.readFile(remote)).toString('utf8'), 'version = 3\n# ünïcødé\n');
    assert.equal(statSync(remote).mode & 0o777, 0o644);
  });

  it('stops a command at its deadline', async () => {
    const started = Date.now();
    await assert.rejects(host.exec(['sleep', '29.3'], { timeoutMs: 300 }), RemoteTimeoutError);
    assert.ok(Date.now() - started < 2000);
    await waitUntilGone(host, 'sleep 29.3');
  });

  it('returns promptly when cancelled mid-command, and the remote process is gone', async () => {
    const ctl = new AbortController();
    const started = Date.now();
    const running = host.exec(['sleep', '31.7'], { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 300);
    await assert.rejects(running, RemoteAbortError);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    await waitUntilGone(host, 'sleep 31.7');
    // The connection is still usable afterwards.
    assert.equal((await host.exec(['echo', 'ok'])).stdout, 'ok\n');
  });
});
