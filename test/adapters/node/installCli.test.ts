// `kube-sandbox install-gvisor` end to end, in process, against a real sshd and a private
// containerd: host key refusal before any credential, --dry-run, install, no-op re-run,
// rollback (exit 1) and uninstall, through sudo.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runInAsync } from '../../unit/cli/cliTestKit';
import { testbedSkip } from '../../harness/sshNode';
import { bedMissing, nodeFiles, startContainerdNode, startInstallBed, withFreshContainerd, type ContainerdNode, type InstallBed } from './installBed';

describe('kube-sandbox install-gvisor against a real node', { skip: testbedSkip(bedMissing()) }, () => {
  let bed: InstallBed;
  let cd: ContainerdNode;
  let knownHosts: string;

  before(async () => {
    bed = await startInstallBed();
    cd = await startContainerdNode();
    knownHosts = join(bed.dir, 'known_hosts');
    writeFileSync(knownHosts, `${bed.ssh.knownHostsLine()}\n`);
  });
  after(async () => {
    await cd?.stop();
    await bed?.stop();
  });

  const args = (node: ContainerdNode, account = bed.ssh.nopasswdUser, ...extra: string[]): string[] => [
    'install-gvisor', '--host', '127.0.0.1', '--port', String(bed.ssh.port), '--user', account.user, '--identity', account.keyPath,
    '--known-hosts', knownHosts, '--method', 'distro', '--containerd-config', node.configPath,
    '--restart-command', `/bin/sh ${node.dir}/restart.sh`, '--bin-dir', join(node.dir, 'bin'), '--state-dir', join(node.dir, 'kube-sandbox-state'),
    ...extra,
  ];

  it('refuses an unknown host key with its fingerprint and how to trust it, before sending anything', async () => {
    const empty = join(bed.dir, 'known_hosts-empty');
    writeFileSync(empty, '');
    const from = bed.ssh.logSize();
    const before = nodeFiles(cd);
    const r = await runInAsync(bed.dir, ...args(cd).map((a) => (a === knownHosts ? empty : a)));
    assert.equal(r.code, 1);
    const fingerprint = spawnSync('ssh-keygen', ['-lf', `${bed.ssh.hostKeyPath}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1] ?? '';
    assert.ok(fingerprint.startsWith('SHA256:'));
    assert.ok(r.stderr.includes(`its ssh-ed25519 host key is ${fingerprint}`), r.stderr);
    assert.ok(r.stderr.includes(`ssh-keyscan -t ed25519 -p ${bed.ssh.port} 127.0.0.1 >> ${empty}`), r.stderr);
    assert.equal(readFileSync(empty, 'utf8'), '', 'nothing is trusted on its own');
    await new Promise((res) => setTimeout(res, 300));
    assert.doesNotMatch(bed.ssh.readLog(from), /userauth-request|Accepted|Failed/, 'no credential reached the node');
    assert.deepEqual(nodeFiles(cd), before);
  });

  it('--dry-run prints the plan and the config diff, and changes nothing', async () => {
    const before = nodeFiles(cd);
    const r = await runInAsync(bed.dir, ...args(cd), '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Node ksbnopw@127\.0\.0\.1:\d+: Debian GNU\/Linux 12/);
    assert.match(r.stdout, /containerd-shim-runsc-v1 will be missing/);
    assert.ok(r.stdout.includes(`--- a${cd.configPath}\n+++ b${cd.configPath}\n`), r.stdout);
    assert.match(r.stdout, /\n\+ +\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runsc\]\n\+ +runtime_type = "io\.containerd\.runsc\.v1"\n/);
    assert.match(r.stdout, /Dry run: nothing was changed/);
    assert.deepEqual(nodeFiles(cd), before);
  });

  it('installs (exit 0), and a second run says "already installed" (exit 0) with the same containerd', async () => {
    const first = await runInAsync(bed.dir, ...args(cd));
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /\[restart\] containerd restarted and healthy in/);
    assert.match(first.stdout, /gVisor installed on ksbnopw@127\.0\.0\.1:\d+ .*\n {2}runsc \d{8}\.\d+, platform ptrace\./);
    assert.match(first.stdout, /Verified: a sandbox booted gVisor \("Starting gVisor\.\.\."\) and reports kernel \S+; the node's is \S+\./);
    const pid = cd.pid();
    const files = nodeFiles(cd);
    const second = await runInAsync(bed.dir, ...args(cd));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /gVisor was already installed; nothing changed/);
    assert.doesNotMatch(second.stdout, /\[restart\]/);
    assert.equal(cd.pid(), pid);
    assert.deepEqual(nodeFiles(cd), files);
  });

  it('uninstalls with a password sudo from the environment, restoring the original config', async () => {
    const original = readFileSync(`${cd.configPath}.kube-sandbox.bak`, 'utf8');
    const saved = process.env['KUBE_SANDBOX_SUDO_PASSWORD'];
    try {
      delete process.env['KUBE_SANDBOX_SUDO_PASSWORD'];
      const refused = await runInAsync(bed.dir, ...args(cd, bed.ssh.sudoUser), '--uninstall');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /set KUBE_SANDBOX_SUDO_PASSWORD to the login user's sudo password/);
      process.env['KUBE_SANDBOX_SUDO_PASSWORD'] = bed.ssh.sudoUser.password;
      const r = await runInAsync(bed.dir, ...args(cd, bed.ssh.sudoUser), '--uninstall');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /gVisor uninstalled on ksbtest@/);
    } finally {
      if (saved === undefined) delete process.env['KUBE_SANDBOX_SUDO_PASSWORD'];
      else process.env['KUBE_SANDBOX_SUDO_PASSWORD'] = saved;
    }
    assert.equal(readFileSync(cd.configPath, 'utf8'), original);
    assert.equal(await cd.isHealthy(), true);
  });

  it('exits 1 after rolling back when the runtime does not come back healthy', () => withFreshContainerd(async (fresh) => {
    const original = readFileSync(fresh.configPath, 'utf8');
    // The first restart "fails" (as a runtime that does not come up would); the rollback's works.
    const flag = join(fresh.dir, 'failed-once');
    const restart = `if [ -e ${flag} ]; then /bin/sh ${fresh.dir}/restart.sh; else touch ${flag}; echo 'containerd: failed to start' >&2; exit 1; fi`;
    const argv = args(fresh).map((a) => (a === `/bin/sh ${fresh.dir}/restart.sh` ? restart : a));
    const r = await runInAsync(bed.dir, ...argv);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /Install failed and was rolled back/);
    assert.match(r.stdout, /Why: containerd did not come back healthy after the restart: the restart command exited with 1: containerd: failed to start/);
    assert.match(r.stdout, /containerd was restarted with the old config and is healthy again/);
    assert.equal(readFileSync(fresh.configPath, 'utf8'), original);
    assert.equal(await fresh.isHealthy(), true);
  }));
});
