// The install plan, from detect output to steps, file changes, warnings and blockers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { planInstall } from '../../../src/core/node/installPlan';
import type { InstallOptions } from '../../../src/core/node/installOptions';
import { renderInstallState } from '../../../src/core/node/installState';
import { facts, NODE_CONFIG } from './installFixtures';

const distro: InstallOptions = { method: 'distro' };
const RUNSC_SHA = 'c'.repeat(64);
const SHIM_SHA = 'd'.repeat(64);

describe('install plan: Debian 12 with its own runsc package', () => {
  const plan = planInstall(facts(), distro);

  it('says before anything runs that the package has no shim, and will not label the node', () => {
    assert.equal(plan.blockers.length, 0);
    const shim = plan.warnings.find((w) => w.includes('containerd-shim-runsc-v1 will be missing'));
    assert.ok(shim, plan.warnings.join('\n'));
    assert.match(shim, /the distribution's runsc package brings only runsc/);
    assert.match(shim, /--method release .* --method upload with --shim-binary/);
    assert.equal(plan.shimReady, false);
    assert.ok(!plan.steps.some((s) => s.includes('Label')));
  });

  it('falls back to ptrace when the installed runsc rejects systrap, and says why', () => {
    assert.equal(plan.platform, 'ptrace');
    assert.ok(plan.warnings.some((w) => /does not support the systrap platform \(it said: unknown platform: systrap\)/.test(w)));
  });

  it('adds runsc under the version 2 CRI plugin, keeping every key, with a backup', () => {
    assert.equal(plan.binaries.kind, 'none');
    const [toml, config] = plan.writes;
    assert.equal(toml?.path, '/etc/containerd/runsc.toml');
    assert.deepEqual(JSON.parse(JSON.stringify(parse(toml?.after ?? ''))), { binary_name: '/usr/bin/runsc', runsc_config: { platform: 'ptrace' } });
    assert.equal(toml?.backup, undefined, 'a new file has nothing to back up');
    assert.equal(config?.path, '/etc/containerd/config.toml');
    assert.equal(config?.backup, '/etc/containerd/config.toml.kube-sandbox.bak');
    assert.equal(config?.check, true);
    assert.equal(config?.restarts, true);
    const cri = ['plugins', 'io.containerd.grpc.v1.cri'];
    const at = (...path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], parse(config?.after ?? ''));
    assert.equal(at(...cri, 'sandbox_image'), 'registry.k8s.io/pause:3.9');
    assert.equal(at(...cri, 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'), true);
    assert.deepEqual(JSON.parse(JSON.stringify(at(...cri, 'containerd', 'runtimes', 'runsc'))), { runtime_type: 'io.containerd.runsc.v1', options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/containerd/runsc.toml' } });
    assert.ok(config?.after.startsWith(NODE_CONFIG.slice(0, 200)), 'the text before the edit is untouched');
    assert.deepEqual(plan.restart, { kind: 'service', service: 'containerd', init: 'systemd' });
    assert.equal(plan.runtime?.kind === 'containerd' && plan.runtime.socket, '/run/containerd/containerd.sock');
  });

  it('has nothing to do once the files hold what they need', () => {
    const again = planInstall(facts({ files: { containerd_config: plan.writes[1]?.after ?? '', runsc_toml: plan.writes[0]?.after ?? '' } }), distro);
    assert.equal(again.nothingToDo, true);
    assert.deepEqual(again.writes, []);
    assert.ok(again.steps.includes('No restart: containerd\'s config does not change.'));
  });
});

describe('install plan: methods', () => {
  it('release: downloads for the node\'s architecture, and skips a pinned release already there', () => {
    const fresh = planInstall(facts({ set: { arch: 'aarch64' }, add: ['tool=bzip2'] }), { method: 'release', version: '20240513.0' });
    assert.equal(fresh.binaries.kind, 'release');
    assert.equal(fresh.binaries.release?.urls.tarball, 'https://storage.googleapis.com/gvisor/releases/release/20240513.0/aarch64/gvisor.tar.bz2');
    assert.equal(fresh.binaries.runscPath, '/usr/local/bin/runsc');
    assert.equal(fresh.shimReady, true);
    assert.ok(fresh.notes.some((n) => n.includes('checked with the installed runsc')));
    assert.equal(fresh.platform, 'systrap', 'the old runsc in /usr/bin is not the one that will run');
    const there = planInstall(facts({
      set: { runsc_path: '/usr/local/bin/runsc', runsc_version: 'runsc version release-20240513.0', shim_path: '/usr/local/bin/containerd-shim-runsc-v1', platform_ok: 'yes', platform_error: null },
      add: ['tool=bzip2'],
    }), { method: 'release', version: '20240513' });
    assert.equal(there.binaries.kind, 'none');
    assert.equal(there.platform, 'systrap');
  });

  it('release: passes the recorded checksum so an unchanged latest is not downloaded again', () => {
    const state = renderInstallState({ method: 'release', releaseSha512: 'e'.repeat(128), files: [{ path: '/usr/local/bin/runsc', sha256: RUNSC_SHA }], dirs: [], configs: [], aptFiles: [] }, 'test');
    const plan = planInstall(facts({ set: { runsc_path: '/usr/local/bin/runsc', runsc_sha256: RUNSC_SHA }, add: ['tool=bzip2'], files: { state } }), { method: 'release' });
    assert.equal(plan.binaries.release?.knownSha512, 'e'.repeat(128));
    const replaced = planInstall(facts({ set: { runsc_path: '/usr/local/bin/runsc', runsc_sha256: 'f'.repeat(64) }, add: ['tool=bzip2'], files: { state } }), { method: 'release' });
    assert.equal(replaced.binaries.release?.knownSha512, undefined, 'someone replaced runsc since: download again');
  });

  it('release: blocks without a download tool or bzip2, and on an architecture gVisor does not build', () => {
    const noTools = planInstall(facts({ set: {} }), { method: 'release' });
    assert.ok(noTools.blockers.some((b) => b.includes('bzip2')));
    const armv7 = planInstall(facts({ set: { arch: 'armv7l' }, add: ['tool=bzip2'] }), { method: 'release' });
    assert.ok(armv7.blockers.some((b) => /x86_64 and arm64 .* only; this node is armv7l/.test(b)));
    const badMirror = planInstall(facts({ add: ['tool=bzip2'] }), { method: 'release', releaseBaseUrl: 'http://mirror' });
    assert.ok(badMirror.blockers.some((b) => b.includes('not a usable release location')));
  });

  it('upload: checks architectures, warns about a placeholder shim, and skips identical binaries', () => {
    const upload = { runsc: { path: '/tmp/runsc', sha256: RUNSC_SHA, arch: 'x86_64' as const }, shim: { path: '/tmp/shim', sha256: SHIM_SHA, arch: 'not-elf' as const } };
    const plan = planInstall(facts(), { method: 'upload', upload });
    assert.equal(plan.blockers.length, 0, plan.blockers.join());
    assert.deepEqual(plan.binaries.uploads?.map((u) => u.name), ['runsc', 'containerd-shim-runsc-v1']);
    assert.ok(plan.warnings.some((w) => w.includes('/tmp/shim is not a Linux binary')));
    assert.equal(plan.shimReady, true);
    const wrongArch = planInstall(facts({ set: { arch: 'aarch64' } }), { method: 'upload', upload });
    assert.ok(wrongArch.blockers.some((b) => b.includes('/tmp/runsc is built for x86_64, but the node is aarch64')));
    const same = planInstall(facts({ set: { runsc_path: '/usr/local/bin/runsc', runsc_sha256: RUNSC_SHA, shim_path: '/usr/local/bin/containerd-shim-runsc-v1', shim_sha256: SHIM_SHA } }), { method: 'upload', upload });
    assert.equal(same.binaries.kind, 'none');
    const noShim = planInstall(facts(), { method: 'upload', upload: { runsc: upload.runsc } });
    assert.ok(noShim.warnings.some((w) => w.includes('no --shim-binary was given')));
  });

  it('apt: adds gVisor\'s repository, which brings the shim; distro/apt need apt-get', () => {
    const apt = planInstall(facts({ set: { pkg_runsc: null } }), { method: 'apt', version: '20240513' });
    assert.equal(apt.binaries.kind, 'apt');
    assert.equal(apt.binaries.channel, '20240513');
    assert.equal(apt.shimReady, true);
    const alpine = planInstall({ ...facts({ set: { os_id: 'alpine', pkg_runsc: null, init: 'openrc' } }), tools: new Set(['curl', 'ctr']) }, { method: 'distro' });
    assert.ok(alpine.blockers.some((b) => b.includes('apt-get, which this node does not have')));
  });
});

describe('install plan: what stops it', () => {
  it('no container runtime', () => {
    const plan = planInstall(facts({ set: { containerd_bin: null, containerd_version: null } }), distro);
    assert.ok(plan.blockers.some((b) => b.startsWith('Neither containerd nor CRI-O is installed')));
  });

  it('no init system and no restart command, but a restart command is enough', () => {
    const noInit = planInstall(facts({ set: { init: 'unknown' } }), distro);
    assert.ok(noInit.blockers.some((b) => b.includes('--restart-command')));
    const withCmd = planInstall(facts({ set: { init: 'unknown' } }), { ...distro, restartCommand: ['/bin/sh', '/opt/restart.sh'] });
    assert.equal(withCmd.blockers.length, 0);
    assert.ok(withCmd.steps.some((s) => s.includes('the restart command: /bin/sh /opt/restart.sh')));
  });

  it('a generated (k3s) config, a broken config, kvm without /dev/kvm', () => {
    const k3s = planInstall(facts({ files: { containerd_config: '# File generated by k3s. DO NOT EDIT. Use config.toml.tmpl instead.\nversion = 2\n' } }), distro);
    assert.ok(k3s.blockers.some((b) => b.includes('generated by k3s')));
    const broken = planInstall(facts({ files: { containerd_config: 'version = 2\n[plugins\n' } }), distro);
    assert.ok(broken.blockers.some((b) => b.includes('not valid TOML')));
    const kvm = planInstall(facts(), { ...distro, platform: 'kvm' });
    assert.ok(kvm.blockers.some((b) => b.includes('/dev/kvm')));
  });

  it('a missing config gets a fresh one (containerd 2: version 3), noted in the plan', () => {
    const plan = planInstall(facts({ set: { containerd_version: 'containerd containerd.io v2.0.4 1a43cb6' }, files: { containerd_config: null } }), distro);
    const config = plan.writes.find((w) => w.role === 'containerd-config');
    assert.match(config?.after ?? '', /^version = 3\n/);
    assert.match(config?.after ?? '', /io\.containerd\.cri\.v1\.runtime/);
    assert.equal(config?.backup, undefined);
    assert.ok(plan.notes.some((n) => n.includes('no config file')));
  });
});

describe('install plan: CRI-O', () => {
  it('writes a drop-in that runs runsc as an OCI runtime and restarts crio', () => {
    const plan = planInstall(facts({ set: { containerd_bin: null, containerd_version: null, crio_bin: '/usr/bin/crio', crio_version: '1.30.1' } }), distro);
    assert.equal(plan.blockers.length, 0, plan.blockers.join());
    assert.equal(plan.writes.length, 1);
    assert.equal(plan.writes[0]?.path, '/etc/crio/crio.conf.d/99-gvisor.conf');
    assert.match(plan.writes[0]?.after ?? '', /runtime_path = "\/usr\/bin\/runsc"/);
    assert.deepEqual(plan.restart, { kind: 'service', service: 'crio', init: 'systemd' });
    assert.equal(plan.shimReady, true, 'CRI-O runs runsc itself, no shim needed');
  });
});

describe('install plan: the runtime in a containerd drop-in (--containerd-drop-in)', () => {
  const DROP_IN = '/etc/containerd/conf.d/99-kube-sandbox-runsc.toml';
  const V3 = 'version = 3\nimports = []\nroot = "/var/lib/containerd"\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n';
  const containerd2 = { containerd_version: 'containerd containerd.io v2.0.4 1a43cb6' };
  const opts: InstallOptions = { ...distro, containerdDropIn: DROP_IN };

  it('writes the drop-in first, then adds it to imports, on containerd 2.x', () => {
    const plan = planInstall(facts({ set: containerd2, files: { containerd_config: V3 } }, opts), opts);
    assert.deepEqual(plan.blockers, []);
    assert.deepEqual(plan.writes.map((w) => [w.role, w.path, w.check, w.restarts]), [
      ['runsc-config', '/etc/containerd/runsc.toml', false, false],
      ['containerd-drop-in', DROP_IN, true, true],
      ['containerd-config', '/etc/containerd/config.toml', true, true],
    ]);
    const [, dropIn, main] = plan.writes;
    assert.deepEqual(JSON.parse(JSON.stringify(parse(dropIn?.after ?? ''))), {
      version: 3,
      plugins: { 'io.containerd.cri.v1.runtime': { containerd: { runtimes: { runsc: { runtime_type: 'io.containerd.runsc.v1', options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/containerd/runsc.toml' } } } } } },
    });
    assert.equal(main?.after, V3.replace('imports = []', `imports = ["${DROP_IN}"]`), 'the main config gains one import and nothing else');
    assert.ok(plan.notes.some((n) => /merges imported files into the main config key by key/.test(n)));
  });

  it('leaves the main config alone when an import already covers the drop-in', () => {
    const covered = V3.replace('imports = []', 'imports = ["/etc/containerd/conf.d/*.toml"]');
    const plan = planInstall(facts({ set: containerd2, files: { containerd_config: covered } }, opts), opts);
    assert.deepEqual(plan.writes.map((w) => w.role), ['runsc-config', 'containerd-drop-in']);
    assert.ok(plan.notes.some((n) => n.includes('already imports it ("/etc/containerd/conf.d/*.toml")')));
  });

  it('refuses on containerd 1.x, which would drop the main config\'s CRI settings, and when the version is unknown', () => {
    const old = planInstall(facts({}, opts), opts);
    assert.deepEqual(old.writes.map((w) => w.role), ['runsc-config'], 'planned, but a blocker stops everything');
    assert.match(old.blockers.join(' '), /containerd 1\.6\.20.* replaces a whole plugin section with the imported one.*Leave out --containerd-drop-in/);
    const unknown = planInstall(facts({ set: { containerd_version: 'containerd (no version)' }, files: { containerd_config: V3 } }, opts), opts);
    assert.match(unknown.blockers.join(' '), /version is unknown/);
  });

  it('refuses when the main config has no file, already defines the runtime, or an earlier install used another drop-in', () => {
    assert.match(planInstall(facts({ set: containerd2, files: { containerd_config: null } }, opts), opts).blockers.join(' '), /no config file .* nothing would import/);
    const inline = `${V3}\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]\n  runtime_type = "io.containerd.runsc.v1"\n`;
    assert.match(planInstall(facts({ set: containerd2, files: { containerd_config: inline } }, opts), opts).blockers.join(' '), /already defines the runtime "runsc"/);
    const state = renderInstallState({ files: [], dirs: [], configs: [], aptFiles: [], containerdDropIn: DROP_IN }, 'test');
    const plain = planInstall(facts({ set: containerd2, files: { containerd_config: V3, state } }), distro);
    assert.match(plain.blockers.join(' '), /An earlier install put the runtime in the drop-in .*99-kube-sandbox-runsc\.toml/);
  });
});

describe('install plan: a drop-in install run again', () => {
  it('has nothing to write once the drop-in, the import and runsc.toml are there', () => {
    const DROP_IN = '/etc/containerd/conf.d/99-kube-sandbox-runsc.toml';
    const opts: InstallOptions = { ...distro, containerdDropIn: DROP_IN };
    const set = { containerd_version: 'containerd containerd.io v2.0.4 1a43cb6' };
    const main = 'version = 3\nimports = []\n';
    const first = planInstall(facts({ set, files: { containerd_config: main } }, opts), opts);
    const after = Object.fromEntries(first.writes.map((w) => [w.role, w.after]));
    const again = planInstall(facts({ set, files: { containerd_config: after['containerd-config'] ?? '', containerd_dropin: after['containerd-drop-in'] ?? '', runsc_toml: after['runsc-config'] ?? '' } }, opts), opts);
    assert.deepEqual(again.blockers, []);
    assert.deepEqual(again.writes, []);
    assert.equal(again.nothingToDo, true);
  });
});
