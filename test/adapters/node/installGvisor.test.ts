// installGvisor against a real node: sshd on loopback, a private containerd whose config has
// SystemdCgroup, a sandbox image and registry mirrors, and Debian's runsc (the `distro`
// method). Debian's package has no containerd-shim-runsc-v1, so no gVisor *pod* can run here;
// the verification runs a real gVisor sandbox with `runsc do` instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { SshRemoteHost } from '../../../src/adapters/ssh';
import { installGvisor, type InstallProgress } from '../../../src/core/node/installer';
import type { InstallPlan } from '../../../src/core/node/installPlan';
import { testbedSkip } from '../../harness/sshNode';
import { bedMissing, bedOptions, nodeFiles, startContainerdNode, startInstallBed, tomlLeaves, withFreshContainerd, type ContainerdNode, type InstallBed } from './installBed';

describe('installGvisor on a real node (sshd, containerd, Debian\'s runsc)', { skip: testbedSkip(bedMissing()) }, () => {
  let bed: InstallBed;
  let host: SshRemoteHost;
  let cd: ContainerdNode;
  let original: string;

  before(async () => {
    bed = await startInstallBed();
    [host, cd] = await Promise.all([bed.connect(bed.ssh.root), startContainerdNode()]);
    original = readFileSync(cd.configPath, 'utf8');
  });
  after(async () => {
    await cd?.stop();
    await bed?.stop();
  });

  it('shows the plan first, with the missing shim, and changes nothing on a dry run', async () => {
    const before = nodeFiles(cd);
    const pid = cd.pid();
    let plan: InstallPlan | undefined;
    const r = await installGvisor({ shell: host, onPlan: (p) => { plan = p; } }, { ...bedOptions(cd), dryRun: true });
    assert.equal(r.outcome, 'dry-run', r.error);
    assert.ok(plan?.warnings.some((w) => w.includes('containerd-shim-runsc-v1 will be missing')));
    assert.deepEqual(plan?.writes.map((w) => w.role), ['runsc-config', 'containerd-config']);
    assert.deepEqual(nodeFiles(cd), before);
    assert.equal(cd.pid(), pid);
  });

  it('refuses a drop-in on this containerd 1.6, which would replace the CRI section, and changes nothing', async () => {
    const before = nodeFiles(cd);
    const dropIn = `${cd.dir}/conf.d/99-kube-sandbox-runsc.toml`;
    const r = await installGvisor({ shell: host }, bedOptions(cd, { containerdDropIn: dropIn }));
    assert.equal(r.outcome, 'blocked');
    assert.match(r.error ?? '', /containerd 1\.6\.\S+ replaces a whole plugin section with the imported one, so this drop-in would erase the CRI settings of .*Leave out --containerd-drop-in/);
    assert.deepEqual(nodeFiles(cd), before);
    assert.equal(existsSync(dropIn), false);
  });

  it('installs: config edited in place and checked, containerd restarted and healthy, gVisor proven', async () => {
    const pid = cd.pid();
    const events: InstallProgress[] = [];
    let planSeenAt = -1;
    const r = await installGvisor({
      shell: host, onProgress: (p) => events.push(p), onPlan: () => { planSeenAt = events.length; },
    }, bedOptions(cd));
    assert.equal(r.outcome, 'installed', `${r.error ?? ''} ${r.messages.join(' ')}`);
    assert.ok(planSeenAt >= 0 && !events.slice(0, planSeenAt).some((e) => e.step === 'configure'), 'the plan came before any change');
    assert.deepEqual(r.changed, [`${cd.dir}/runsc.toml`, cd.configPath]);
    assert.equal(r.restarted, true);
    assert.notEqual(cd.pid(), pid, 'containerd was restarted');
    assert.equal(await cd.isHealthy(), true);
    // Real gVisor evidence: runsc ran a sandbox whose kernel is not the node's.
    const e = r.evidence;
    assert.ok(e && e.startingGvisor, 'dmesg inside the sandbox says "Starting gVisor"');
    assert.ok(e.dmesg.some((l) => l.includes('Starting gVisor')));
    assert.notEqual(e.guestKernel, e.nodeKernel);
    assert.equal(e.nodeKernel, spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim());
    assert.equal(e.dumpRuntimeType, 'io.containerd.runsc.v1');
    assert.equal(r.platform, 'ptrace', 'Debian\'s runsc predates systrap: the probe fell back');

    const edited = readFileSync(cd.configPath, 'utf8');
    const before = tomlLeaves(original);
    const now = tomlLeaves(edited);
    for (const [key, value] of before) assert.equal(now.get(key), value, `pre-existing ${key} is kept`);
    assert.equal(readFileSync(`${cd.configPath}.kube-sandbox.bak`, 'utf8'), original, 'the backup is the original');
    // What the restarted containerd loads from its config, as containerd itself says.
    const dump = spawnSync('containerd', ['--config', cd.configPath, 'config', 'dump'], { encoding: 'utf8' });
    assert.equal(dump.status, 0, dump.stderr);
    const effective = tomlLeaves(dump.stdout);
    const runsc = 'plugins.io.containerd.grpc.v1.cri.containerd.runtimes.runsc';
    assert.equal(effective.get(`${runsc}.runtime_type`), '"io.containerd.runsc.v1"');
    assert.equal(effective.get(`${runsc}.options.ConfigPath`), JSON.stringify(`${cd.dir}/runsc.toml`));
    assert.match(dump.stdout, /SystemdCgroup = true/);
    assert.match(dump.stdout, /sandbox_image = "registry\.k8s\.io\/pause:3\.9"/);
    assert.match(dump.stdout, /endpoint = \["https:\/\/mirror\.gcr\.io", "https:\/\/registry-1\.docker\.io"\]/);
    assert.match(readFileSync(`${cd.dir}/runsc.toml`, 'utf8'), /binary_name = "\/usr\/bin\/runsc"\n\n\[runsc_config\]\n {2}platform = "ptrace"/);
  });

  it('a second run changes no byte and restarts nothing', async () => {
    const before = nodeFiles(cd);
    const pid = cd.pid();
    const r = await installGvisor({ shell: host }, bedOptions(cd));
    assert.equal(r.outcome, 'already-installed', r.error);
    assert.deepEqual(r.changed, []);
    assert.equal(r.restarted, false);
    assert.deepEqual(nodeFiles(cd), before);
    assert.equal(cd.pid(), pid, 'the same containerd process');
    assert.ok(r.evidence?.startingGvisor, 'and still verifies');
  });

  it('rolls back a config that containerd cannot start with, and containerd is healthy again', () => withFreshContainerd(async (fresh) => {
    const first = readFileSync(fresh.configPath, 'utf8');
    const events: string[] = [];
    const r = await installGvisor({ shell: host, onProgress: (p) => events.push(`${p.step} ${p.kind}`) }, bedOptions(fresh, {
      // containerd's `config dump` accepts this, but its CRI plugin refuses to start with it
      // ("runtime_engine only works for runtime io.containerd.runtime.v1.linux").
      testing: { transformContainerdConfig: (t) => t.replace(/^( *)runtime_type = "io\.containerd\.runsc\.v1"$/m, '$&\n$1runtime_engine = "/usr/bin/runsc"') },
    }));
    assert.equal(r.outcome, 'rolled-back', r.error);
    assert.match(r.error ?? '', /containerd did not come back healthy after the restart: containerd answers, but its CRI plugin \(what Kubernetes uses\) reports error/);
    assert.ok(r.messages.some((m) => m.startsWith(`Rolled back: ${fresh.dir}/runsc.toml, ${fresh.configPath} are back as before this run`)), r.messages.join('\n'));
    assert.ok(r.messages.includes('containerd was restarted with the old config and is healthy again.'), r.messages.join('\n'));
    assert.ok(events.includes('rollback start') && events.includes('rollback done'));
    assert.equal(readFileSync(fresh.configPath, 'utf8'), first, 'the config is byte for byte the original');
    assert.equal(await fresh.isHealthy(), true);
    const files = nodeFiles(fresh);
    assert.equal(files.runscToml, undefined, 'runsc.toml, created by this run, is gone');
    assert.doesNotMatch(files.state ?? '', /config=/, 'the record holds no config change');
  }));

  it('puts the files back without a restart when containerd\'s effective config would lose a setting', () => withFreshContainerd(async (fresh) => {
    const before = nodeFiles(fresh);
    const pid = fresh.pid();
    const r = await installGvisor({ shell: host }, bedOptions(fresh, {
      testing: { transformContainerdConfig: (t) => t.replace(/^( *)SystemdCgroup = true$/m, '$1SystemdCgroup = false') },
    }));
    assert.equal(r.outcome, 'rolled-back', r.error);
    assert.match(r.error ?? '', /containerd's effective config would lose or change settings it has now: plugins\.io\.containerd\.grpc\.v1\.cri\.containerd\.runtimes\.runc\.options\.SystemdCgroup changes from true to false\. Nothing was restarted\./);
    assert.equal(r.restarted, false);
    assert.equal(fresh.pid(), pid, 'containerd kept running on its old config');
    assert.deepEqual({ ...nodeFiles(fresh), state: undefined }, { ...before, state: undefined }, 'config, backup and runsc.toml as before');
  }));

  it('catches a drop-in that containerd 1.6 (posing as 2.0) merges by replacing the CRI section, before any restart', () => withFreshContainerd(async (fresh) => {
    const before = nodeFiles(fresh);
    const pid = fresh.pid();
    const dropIn = `${fresh.dir}/conf.d/99-kube-sandbox-runsc.toml`;
    const r = await installGvisor({ shell: host }, bedOptions(fresh, { containerdDropIn: dropIn, testing: { containerdVersion: '2.0.0' } }));
    assert.equal(r.outcome, 'rolled-back', r.error);
    assert.deepEqual(r.plan?.writes.map((w) => w.role), ['runsc-config', 'containerd-drop-in', 'containerd-config'], 'the whole drop-in path ran');
    assert.match(r.error ?? '', /would lose or change settings it has now: .*(sandbox_image|SystemdCgroup|restrict_oom_score_adj).*Nothing was restarted/);
    assert.equal(fresh.pid(), pid);
    assert.equal(existsSync(dropIn), false, 'the drop-in this run created is gone');
    assert.deepEqual({ ...nodeFiles(fresh), state: undefined }, { ...before, state: undefined });
    assert.equal(await fresh.isHealthy(), true);
  }));

  it('cancelled mid-way, puts the config back as it was', () => withFreshContainerd(async (fresh) => {
    const first = readFileSync(fresh.configPath, 'utf8');
    const ctl = new AbortController();
    const r = await installGvisor({
      shell: host, signal: ctl.signal, onProgress: (p) => { if (p.step === 'verify' && p.kind === 'start') setTimeout(() => ctl.abort(), 100); },
    }, bedOptions(fresh));
    assert.equal(r.outcome, 'rolled-back', r.error);
    assert.match(r.error ?? '', /Cancelled/);
    assert.equal(readFileSync(fresh.configPath, 'utf8'), first);
    assert.equal(await fresh.isHealthy(), true);
  }));

  it('stops before changing anything when the plan cannot run', () => withFreshContainerd(async (fresh) => {
    const before = nodeFiles(fresh);
    // No systemd or OpenRC here, and no restart command: containerd could not be restarted.
    const r = await installGvisor({ shell: host }, { ...bedOptions(fresh), restartCommand: undefined });
    assert.equal(r.outcome, 'blocked');
    assert.match(r.error ?? '', /neither systemd nor OpenRC, so Kube Sandbox cannot restart containerd by itself .* \(--restart-command\)/);
    assert.deepEqual(nodeFiles(fresh), before);
  }));
});
