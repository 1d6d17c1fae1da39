// The node test bed as issue 4's installer will see it: over SSH, through sudo, a private
// containerd whose config keeps SystemdCgroup, a sandbox image and mirrors; its restart
// command brings it back healthy; and Debian's runsc really starts a gVisor sandbox.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SshRemoteHost } from '../../../src/adapters/ssh';
import { ContainerdNode, containerdNodeMissing, startContainerdNode } from '../../harness/containerdNode';
import { nodeOptions, strictHooks } from '../../harness/sshClient';
import { SshNode, sshNodeMissing, startSshNode, testbedSkip } from '../../harness/sshNode';

const missing = sshNodeMissing() ?? containerdNodeMissing();

describe('node test bed over SSH: containerd and runsc (real sshd, containerd, runsc)', { skip: testbedSkip(missing) }, () => {
  let node: SshNode;
  let containerd: ContainerdNode;
  let host: SshRemoteHost;
  let dir: string;

  before(async () => {
    [node, containerd] = await Promise.all([startSshNode(), startContainerdNode()]);
    dir = mkdtempSync(join(tmpdir(), 'ksb-nodebed-'));
    host = await SshRemoteHost.connect(nodeOptions(node, node.sudoUser, dir), {
      ...strictHooks,
      askPassword: () => Promise.resolve(node.sudoUser.password),
    });
  });
  after(async () => {
    await host?.close();
    await Promise.all([node?.stop(), containerd?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves a config with the keys a real node has', async () => {
    const dump = await host.exec(['containerd', '--config', containerd.configPath, 'config', 'dump'], { asRoot: true });
    assert.equal(dump.exitCode, 0, dump.stderr);
    assert.match(dump.stdout, /SystemdCgroup = true/);
    assert.match(dump.stdout, /sandbox_image = "registry\.k8s\.io\/pause:3\.9"/);
    assert.match(dump.stdout, /registry\.mirrors\."docker\.io"\]\s+endpoint = \["https:\/\/mirror\.gcr\.io"/);
    assert.match(dump.stdout, new RegExp(`address = "${containerd.socket.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
  });

  it('restarts through its restart command, run as root over SSH, and answers again', async () => {
    const before = containerd.pid();
    const r = await host.exec(containerd.restartCommand, { asRoot: true, timeoutMs: 30_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.notEqual(containerd.pid(), before);
    assert.equal(await containerd.isHealthy(), true);
    const version = await host.exec(['ctr', '--address', containerd.socket, 'version'], { asRoot: true });
    assert.match(version.stdout, /Server:\s+Version:\s+\S+/);
  });

  it('runs a gVisor sandbox with runsc, whose kernel differs from the node\'s', async () => {
    const r = await host.exec(['runsc', '--network=none', 'do', 'uname', '-r'], { asRoot: true, timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    const own = (await host.exec(['uname', '-r'])).stdout.trim();
    assert.notEqual(r.stdout.trim(), own);
  });
});
