import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { ensureRunscToml, renderRunscToml, runscTomlValues } from '../../../src/core/node/runscToml';
import { assertOnlyAdditions, isSubsequence } from './configAssertions';

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('runsc.toml', () => {
  it('selects systrap by default, and only flags under [runsc_config], all strings', () => {
    const text = renderRunscToml();
    assert.deepEqual(plain(parse(text)), { runsc_config: { platform: 'systrap' } });
    assert.match(text, /^# Written by Kube Sandbox/);
  });

  it('adds shim and gVisor debug logs per container when asked', () => {
    assert.deepEqual(plain(parse(renderRunscToml({ platform: 'kvm', debug: true, logDir: '/var/log/gvisor/' }))), {
      log_path: '/var/log/gvisor/%ID%/shim.log',
      log_level: 'debug',
      runsc_config: { platform: 'kvm', debug: 'true', 'debug-log': '/var/log/gvisor/%ID%/gvisor.%COMMAND%.log' },
    });
  });

  it('carries binary_name, grouping and extra flags', () => {
    assert.deepEqual(plain(runscTomlValues({ binaryName: '/usr/bin/runsc', grouping: true, extraFlags: { nvproxy: 'true' } })), {
      binary_name: '/usr/bin/runsc',
      grouping: true,
      runsc_config: { platform: 'systrap', nvproxy: 'true' },
    });
  });

  it('writes a whole file when there is none, and reports no change the second time', () => {
    const first = ensureRunscToml(undefined, { platform: 'kvm' });
    assert.equal(first.kind, 'changed');
    if (first.kind !== 'changed') return;
    assert.match(first.summary[0]!, /platform kvm/);
    assert.equal(ensureRunscToml(first.text, { platform: 'kvm' }).kind, 'unchanged');
  });

  it('edits an existing file minimally and keeps what it does not manage', () => {
    const existing = '# tuned for GPUs\nbinary_name = "/opt/runsc"\n[runsc_config]\n  nvproxy = "true" # GPUs\n  platform = "ptrace"\n';
    const result = ensureRunscToml(existing, { platform: 'systrap', debug: true });
    assert.equal(result.kind, 'changed');
    if (result.kind !== 'changed') return;
    assertOnlyAdditions(existing, result.text, [['log_path'], ['log_level'], ['runsc_config', 'debug'], ['runsc_config', 'debug-log']], [['runsc_config', 'platform']]);
    assert.match(result.text, /nvproxy = "true" # GPUs/);
    assert.ok(result.summary.some((s) => s.includes('change runsc_config.platform from "ptrace" to "systrap"')));
    assert.equal(ensureRunscToml(result.text, { platform: 'systrap', debug: true }).kind, 'unchanged');
    assert.ok(isSubsequence(existing.replace('ptrace', ''), result.text));
  });

  it('says that debug logging stays on when it is no longer asked for', () => {
    const result = ensureRunscToml('[runsc_config]\n  platform = "systrap"\n  debug = "true"\n', {});
    assert.equal(result.kind, 'unchanged');
    assert.match(result.summary.join(' '), /keeps runsc debug logging on/);
  });

  it('refuses a runsc.toml that is not TOML', () => {
    const result = ensureRunscToml('[runsc_config\n', {}, '/etc/containerd/runsc.toml');
    assert.equal(result.kind, 'error');
    if (result.kind === 'error') assert.match(result.message, /^\/etc\/containerd\/runsc\.toml is not valid TOML/);
  });
});
