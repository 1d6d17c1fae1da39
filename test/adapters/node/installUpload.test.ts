// The upload method through sudo on a real node, uninstall, and the node label on a real
// kube-apiserver. Debian ships no containerd-shim-runsc-v1, so the shim uploaded here is the
// test stand-in (test/harness/standInShim.ts: containerd's runc v2 shim driving Debian's
// runsc), and one test uploads a shim that cannot start anything. runsc itself is Debian's
// real binary, uploaded from this machine, and the verification runs the uploaded copy.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeApi } from '../../../src/adapters/kube/kubeApi';
import { kubeConfigFor, loadKubeconfig } from '../../../src/adapters/kube/kubeconfig';
import type { SshRemoteHost } from '../../../src/adapters/ssh';
import { elfArch } from '../../../src/core/node/gvisorRelease';
import { installGvisor } from '../../../src/core/node/installer';
import type { UploadSet } from '../../../src/core/node/installOptions';
import { uninstallGvisor } from '../../../src/core/node/uninstaller';
import { CONTEXTS, startKubeCluster, type KubeCluster } from '../../harness/kubeCluster';
import { createNode } from '../../harness/kubeSeed';
import { kubeTestbedSkip } from '../../harness/kubeTestbed';
import { testbedSkip } from '../../harness/sshNode';
import { BROKEN_SHIM, standInShim } from '../../harness/standInShim';
import { bedMissing, bedOptions, nodeFiles, sha256, startContainerdNode, startInstallBed, type ContainerdNode, type InstallBed } from './installBed';

function uploadSet(dir: string, shimText = standInShim(dir)): UploadSet {
  const shim = join(dir, 'containerd-shim-runsc-v1');
  writeFileSync(shim, shimText, { mode: 0o755 });
  const runsc = readFileSync('/usr/bin/runsc');
  return {
    runsc: { path: '/usr/bin/runsc', sha256: sha256(runsc), arch: elfArch(runsc.subarray(0, 64)) },
    shim: { path: shim, sha256: sha256(shimText), arch: 'not-elf' },
  };
}

describe('installGvisor by upload, through sudo with a password (real sshd, sudo, containerd)', { skip: testbedSkip(bedMissing()) }, () => {
  let bed: InstallBed;
  let host: SshRemoteHost;
  let cd: ContainerdNode;
  let original: string;
  let upload: UploadSet;

  before(async () => {
    bed = await startInstallBed();
    [host, cd] = await Promise.all([bed.connect(bed.ssh.sudoUser), startContainerdNode()]);
    original = readFileSync(cd.configPath, 'utf8');
    upload = uploadSet(bed.dir);
  });
  after(async () => {
    await cd?.stop();
    await bed?.stop();
  });

  it('uploads runsc and the shim, checks them on the node, and installs them as root', async () => {
    assert.equal((await host.exec(['id', '-u'])).stdout.trim() === '0', false, 'the login user is not root');
    const findSession = ['sh', '-c', 'find /tmp -maxdepth 1 -name "ksb-node.*" -user "$(id -un)" -perm 700'];
    let during: Promise<{ stdout: string }> | undefined;
    const r = await installGvisor({
      shell: host, onProgress: (p) => { if (p.step === 'verify' && p.kind === 'start') during = host.exec(findSession); },
    }, bedOptions(cd, { method: 'upload', upload }));
    assert.equal(r.outcome, 'installed', `${r.error ?? ''} ${r.messages.join(' ')}`);
    assert.equal((await during)?.stdout.trim().split('\n').length, 1, 'the run works in one private (0700) folder of the login user');
    assert.ok(r.plan?.warnings.some((w) => w.includes('containerd-shim-runsc-v1 is not a Linux binary')), 'the stand-in (a script) is called out');
    const bin = join(cd.dir, 'bin');
    assert.equal(sha256(readFileSync(join(bin, 'runsc'))), upload.runsc.sha256);
    assert.equal(sha256(readFileSync(join(bin, 'containerd-shim-runsc-v1'))), upload.shim?.sha256);
    for (const f of ['runsc', 'containerd-shim-runsc-v1']) {
      const st = statSync(join(bin, f));
      assert.deepEqual([st.uid, st.mode & 0o777], [0, 0o755], f);
    }
    assert.match(readFileSync(join(cd.dir, 'runsc.toml'), 'utf8'), new RegExp(`binary_name = "${bin}/runsc"`));
    assert.ok(r.evidence?.startingGvisor && r.evidence.guestKernel !== r.evidence.nodeKernel, 'the uploaded runsc ran a gVisor sandbox');
    const c = r.evidence?.container;
    assert.ok(c?.ran && c.exit === 0 && c.startingGvisor && c.kernel === r.evidence?.guestKernel, `containerd started a gVisor container through the shim: ${JSON.stringify(c)}`);
    assert.equal(c.leftover, undefined);
    const ctr = await host.exec(['ctr', '--address', cd.socket, 'namespaces', 'list', '--quiet'], { asRoot: true });
    assert.doesNotMatch(ctr.stdout, /kube-sandbox-check/, 'the check leaves no container namespace behind');
    assert.equal(await cd.isHealthy(), true);
    // Only this file installs as this user, so its leftovers would be ours.
    const left = await host.exec(['sh', '-c', 'ls -a ~ | grep ksb-upload; find /tmp -maxdepth 1 -name "ksb-node.*" -user "$(id -un)"']);
    assert.equal(left.stdout.trim(), '', 'no staged upload, script or private folder is left behind');
  });

  it('uploads nothing the second time', async () => {
    const before = nodeFiles(cd);
    const r = await installGvisor({ shell: host }, bedOptions(cd, { method: 'upload', upload }));
    assert.equal(r.outcome, 'already-installed', r.error);
    assert.equal(r.plan?.binaries.kind, 'none');
    assert.deepEqual(nodeFiles(cd), before);
  });

  it('uninstalls: the original config back, the binaries and runsc.toml gone, containerd healthy', async () => {
    const pid = cd.pid();
    const r = await uninstallGvisor({ shell: host }, bedOptions(cd, { method: 'upload' }));
    assert.equal(r.outcome, 'uninstalled', `${r.error ?? ''} ${r.messages.join(' ')}`);
    assert.equal(r.restarted, true);
    assert.notEqual(cd.pid(), pid);
    assert.equal(await cd.isHealthy(), true);
    assert.deepEqual(nodeFiles(cd), { config: original, backup: undefined, runscToml: undefined, state: '[]', runsc: undefined });
    const again = await uninstallGvisor({ shell: host }, bedOptions(cd, { method: 'upload' }));
    assert.equal(again.outcome, 'nothing-recorded');
    assert.deepEqual(again.changed, []);
  });

  it('rolls back when containerd cannot start a container through the shim', async () => {
    const r = await installGvisor({ shell: host }, bedOptions(cd, { method: 'upload', upload: uploadSet(bed.dir, BROKEN_SHIM) }));
    assert.equal(r.outcome, 'rolled-back', `${r.error ?? ''} ${r.messages.join(' ')}`);
    assert.match(r.error ?? '', /a throwaway container that containerd started with the io\.containerd\.runsc\.v1 runtime failed \(exit \d+\).*Pods with a gVisor RuntimeClass would fail the same way/);
    assert.ok(r.evidence?.startingGvisor, 'runsc itself worked: only the shim is broken');
    assert.equal(readFileSync(cd.configPath, 'utf8'), original, 'the config is back as it was');
    assert.equal(await cd.isHealthy(), true);
    assert.ok(r.messages.some((m) => m.includes('left in place (uninstall removes them)')), r.messages.join(' '));
    const u = await uninstallGvisor({ shell: host }, bedOptions(cd, { method: 'upload' }));
    assert.equal(u.outcome, 'uninstalled', u.error);
    assert.deepEqual(nodeFiles(cd), { config: original, backup: undefined, runscToml: undefined, state: '[]', runsc: undefined });
  });
});

describe('installGvisor labels the Kubernetes node (real kube-apiserver)', { skip: testbedSkip(bedMissing()) || kubeTestbedSkip() }, () => {
  let bed: InstallBed;
  let host: SshRemoteHost;
  let cd: ContainerdNode;
  let cluster: KubeCluster;

  before(async () => {
    bed = await startInstallBed();
    [host, cd, cluster] = await Promise.all([bed.connect(bed.ssh.nopasswdUser), startContainerdNode(), startKubeCluster()]);
    await createNode(cluster, 'ksb-worker-1');
    // The node answers on the address the installer connects to.
    await cluster.admin('PATCH', '/api/v1/nodes/ksb-worker-1/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } }, 'application/merge-patch+json');
    await createNode(cluster, 'ksb-worker-2');
  });
  after(async () => {
    await Promise.all([cd?.stop(), cluster?.stop()]);
    await bed?.stop();
  });

  it('finds the node by the SSH address, labels it with the runsc version, and uninstall removes the label', async () => {
    const api = createKubeApi(kubeConfigFor(await loadKubeconfig({ explicitPath: cluster.kubeconfigPath }), CONTEXTS.admin));
    const options = bedOptions(cd, { method: 'upload', upload: uploadSet(bed.dir) });
    const r = await installGvisor({ shell: host, cluster: api, address: '127.0.0.1' }, options);
    assert.equal(r.outcome, 'installed', `${r.error ?? ''} ${r.labelProblem ?? ''}`);
    assert.deepEqual(r.label, { node: 'ksb-worker-1', key: 'kube-sandbox.dev/gvisor', value: r.runscVersion });
    assert.match(r.runscVersion ?? '', /^\d{8}\.\d+$/);
    const labels = async (name: string): Promise<Record<string, string>> =>
      ((await api.listNodes()).find((n) => n.metadata?.name === name)?.metadata?.labels ?? {});
    assert.equal((await labels('ksb-worker-1'))['kube-sandbox.dev/gvisor'], r.runscVersion);
    assert.equal((await labels('ksb-worker-2'))['kube-sandbox.dev/gvisor'], undefined);
    const u = await uninstallGvisor({ shell: host, cluster: api, address: '127.0.0.1' }, options);
    assert.equal(u.outcome, 'uninstalled', u.error);
    assert.equal(u.labelRemoved, 'ksb-worker-1');
    assert.equal((await labels('ksb-worker-1'))['kube-sandbox.dev/gvisor'], undefined);
  });
});
