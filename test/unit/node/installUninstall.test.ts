// The node's install record, and the uninstall plan made from it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { EMPTY_STATE, isEmptyState, parseInstallState, renderInstallState, withConfig, withFiles, type InstallState } from '../../../src/core/node/installState';
import { planUninstall } from '../../../src/core/node/uninstallPlan';
import { facts, NODE_CONFIG } from './installFixtures';

const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

describe('install record', () => {
  const state: InstallState = {
    method: 'upload', version: '20240513.0', releaseSha512: 'e'.repeat(128), package: 'runsc',
    files: [{ path: '/usr/local/bin/runsc', sha256: 'a'.repeat(64) }, { path: '/opt/with space/shim', sha256: 'b'.repeat(64) }],
    dirs: ['/usr/local/bin/gvisor-bin'],
    configs: [
      { path: '/etc/containerd/config.toml', backup: '/etc/containerd/config.toml.kube-sandbox.bak', created: false, sha256: 'c'.repeat(64) },
      { path: '/etc/containerd/runsc.toml', created: true, sha256: 'd'.repeat(64) },
    ],
    aptFiles: ['/etc/apt/sources.list.d/gvisor.list'],
  };

  it('renders and parses back the same record, byte for byte each time', () => {
    const text = renderInstallState(state, 'containerd config /etc/containerd/config.toml');
    assert.deepEqual(parseInstallState(text), state);
    assert.equal(renderInstallState(parseInstallState(text), 'containerd config /etc/containerd/config.toml'), text);
    assert.match(text, /^# Kube Sandbox: what install-gvisor changed/);
  });

  it('keeps the first backup and the "created" mark when a config is written again', () => {
    const again = withConfig(state, { path: '/etc/containerd/config.toml', backup: '/elsewhere.bak', created: true, sha256: 'f'.repeat(64) });
    assert.deepEqual(again.configs.find((c) => c.path === '/etc/containerd/config.toml'),
      { path: '/etc/containerd/config.toml', backup: '/etc/containerd/config.toml.kube-sandbox.bak', created: false, sha256: 'f'.repeat(64) });
    const files = withFiles(EMPTY_STATE, [{ path: '/x', sha256: '1'.repeat(64) }], ['/d']);
    assert.deepEqual(withFiles(files, [{ path: '/x', sha256: '2'.repeat(64) }], ['/d']).files, [{ path: '/x', sha256: '2'.repeat(64) }]);
    assert.equal(isEmptyState(parseInstallState(undefined)), true);
    assert.equal(isEmptyState(parseInstallState('garbage\nconfig=broken\n')), true);
  });
});

describe('uninstall plan', () => {
  const ours = `${NODE_CONFIG}        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]\n          runtime_type = "io.containerd.runsc.v1"\n`;
  const toml = '[runsc_config]\n  platform = "ptrace"\n';
  const record = (over: Partial<InstallState> = {}): string => renderInstallState({
    ...EMPTY_STATE,
    files: [{ path: '/usr/local/bin/runsc', sha256: 'a'.repeat(64) }],
    configs: [
      { path: '/etc/containerd/config.toml', backup: '/etc/containerd/config.toml.kube-sandbox.bak', created: false, sha256: sha(ours) },
      { path: '/etc/containerd/runsc.toml', created: true, sha256: sha(toml) },
    ],
    ...over,
  }, 't');
  // The fixture reports a placeholder SHA-256 per file, so hash-dependent cases set it.
  const nodeFacts = (state: string, configText = ours, backup: string | null = NODE_CONFIG) => {
    const f = facts({ files: { containerd_config: configText, containerd_config_backup: backup, runsc_toml: toml, state } });
    const files = { ...f.files };
    for (const [name, text] of [['containerd_config', configText], ['runsc_toml', toml], ['containerd_config_backup', backup]] as const) {
      if (text !== null) files[name] = { exists: true, sha256: sha(text), text };
    }
    return { ...f, files };
  };

  it('restores the first backup, removes what it created and installed, and restarts', () => {
    const plan = planUninstall(nodeFacts(record()), { method: 'release' });
    assert.deepEqual(plan.blockers, []);
    assert.deepEqual(plan.warnings, []);
    assert.deepEqual(plan.restores.map((r) => [r.path, r.after === undefined ? 'remove' : r.after === NODE_CONFIG ? 'original' : '?', r.restarts]), [
      ['/etc/containerd/config.toml', 'original', true],
      ['/etc/containerd/runsc.toml', 'remove', false],
    ]);
    assert.deepEqual(plan.removals, [{ path: '/usr/local/bin/runsc', kind: 'file', sha256: 'a'.repeat(64) }]);
    assert.deepEqual(plan.restart, { kind: 'service', service: 'containerd', init: 'systemd' });
    assert.equal(plan.nothingRecorded, false);
  });

  it('removes a drop-in it created and restarts for it, as for the main config', () => {
    const dropInPath = '/etc/containerd/conf.d/99-kube-sandbox-runsc.toml';
    const dropIn = '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runsc]\n  runtime_type = "io.containerd.runsc.v1"\n';
    const state = record({ configs: [{ path: dropInPath, created: true, sha256: sha(dropIn) }], containerdDropIn: dropInPath });
    assert.equal(parseInstallState(state).containerdDropIn, dropInPath, 'the record says where the drop-in is');
    const options = { method: 'release' as const, containerdDropIn: dropInPath };
    const f = facts({ files: { state } }, options);
    const plan = planUninstall({ ...f, files: { ...f.files, containerd_dropin: { exists: true, sha256: sha(dropIn), text: dropIn } } }, options);
    assert.deepEqual(plan.restores.map((r) => [r.path, r.after === undefined ? 'remove' : '?', r.restarts]), [[dropInPath, 'remove', true]]);
    assert.ok(plan.restart);
  });

  it('leaves a config someone changed since, and one whose backup is gone, and says so', () => {
    const changed = planUninstall(nodeFacts(record(), `${ours}# edited by an admin\n`), { method: 'release' });
    assert.ok(changed.warnings.some((w) => w.includes('/etc/containerd/config.toml was changed after Kube Sandbox wrote it')));
    assert.ok(!changed.restores.some((r) => r.path === '/etc/containerd/config.toml'));
    const noBackup = planUninstall(nodeFacts(record(), ours, null), { method: 'release' });
    assert.ok(noBackup.warnings.some((w) => w.includes('backup of /etc/containerd/config.toml') && w.includes('missing')));
  });

  it('has nothing to do without a record, and needs a way to restart', () => {
    const none = planUninstall(facts(), { method: 'release' });
    assert.equal(none.nothingRecorded, true);
    assert.deepEqual(none.restores, []);
    const noInit = planUninstall({ ...nodeFacts(record()), init: 'unknown' }, { method: 'release' });
    assert.ok(noInit.blockers.some((b) => b.includes('--restart-command')));
  });
});
