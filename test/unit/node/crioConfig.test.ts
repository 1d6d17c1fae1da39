import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { CRIO_DROP_IN_PATH, ensureCrioDropIn, renderCrioDropIn } from '../../../src/core/node/crioConfig';
import { assertGolden, assertOnlyAdditions } from './configAssertions';

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

// gVisor's own CRI-O drop-in (g3doc/user_guide/containerd/crio.md), with its aligned keys.
const GVISOR_GUIDE = `[crio.runtime]
selinux = false

# runtime_type = "vm" instructs CRI-O to create a pause (infra) container for
# the sandbox.
[crio.runtime.runtimes.runsc]
runtime_path        = "/usr/local/bin/containerd-shim-runsc-v1"
runtime_config_path = "/etc/containerd/runsc.toml"
runtime_type        = "vm"
runtime_root        = "/run/runsc"
`;

describe('CRI-O drop-in', () => {
  it('runs runsc as an OCI runtime by default', () => {
    const text = renderCrioDropIn({ runtimePath: '/usr/bin/runsc' });
    assert.deepEqual(plain(parse(text)), { crio: { runtime: { runtimes: { runsc: { runtime_path: '/usr/bin/runsc', runtime_root: '/run/runsc', runtime_type: 'oci' } } } } });
    assertGolden(text, 'crio', '99-gvisor-oci.conf');
  });

  it('drives the shim in vm mode, with runsc.toml and SELinux off, as gVisor documents', () => {
    const text = renderCrioDropIn({ mode: 'vm', runtimePath: '/usr/local/bin/containerd-shim-runsc-v1' });
    assert.deepEqual(plain(parse(text)), plain(parse(GVISOR_GUIDE)));
    assertGolden(text, 'crio', '99-gvisor-vm.conf');
  });

  it('leaves gVisor documented drop-in alone when the settings agree', () => {
    assert.equal(ensureCrioDropIn(GVISOR_GUIDE, { mode: 'vm', runtimePath: '/usr/local/bin/containerd-shim-runsc-v1' }).kind, 'unchanged');
  });

  it('corrects only the differing values, keeping alignment and comments', () => {
    const result = ensureCrioDropIn(GVISOR_GUIDE, { runtimePath: '/usr/bin/runsc' });
    assert.equal(result.kind, 'changed');
    if (result.kind !== 'changed') return;
    const runtime = ['crio', 'runtime', 'runtimes', 'runsc'];
    assertOnlyAdditions(GVISOR_GUIDE, result.text, [], [[...runtime, 'runtime_path'], [...runtime, 'runtime_type']]);
    assert.match(result.text, /^runtime_path {8}= "\/usr\/bin\/runsc"$/m);
    assert.match(result.text, /^runtime_type {8}= "oci"$/m);
    assert.deepEqual(result.summary, [
      `In ${CRIO_DROP_IN_PATH}, change crio.runtime.runtimes.runsc.runtime_path from "/usr/local/bin/containerd-shim-runsc-v1" to "/usr/bin/runsc".`,
      `In ${CRIO_DROP_IN_PATH}, change crio.runtime.runtimes.runsc.runtime_type from "vm" to "oci".`,
    ]);
  });

  it('adds its runtime to a drop-in that holds other runtimes', () => {
    const existing = '[crio.runtime.runtimes.kata]\nruntime_path = "/usr/bin/kata-runtime"\nruntime_type = "vm"\n';
    const result = ensureCrioDropIn(existing, { runtimePath: '/usr/bin/runsc', fileLabel: '/etc/crio/crio.conf.d/50-sandboxes.conf' });
    assert.equal(result.kind, 'changed');
    if (result.kind !== 'changed') return;
    assertOnlyAdditions(existing, result.text, [['crio', 'runtime', 'runtimes', 'runsc']]);
    assert.equal(ensureCrioDropIn(result.text, { runtimePath: '/usr/bin/runsc' }).kind, 'unchanged');
  });

  it('writes a new file when there is none', () => {
    const result = ensureCrioDropIn(undefined, { runtimePath: '/usr/bin/runsc' });
    assert.equal(result.kind, 'changed');
    if (result.kind === 'changed') assert.match(result.summary[0]!, /runs runsc at \/usr\/bin\/runsc as an OCI runtime/);
  });
});
