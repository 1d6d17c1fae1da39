// Comparing containerd's effective config before and after an edit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeChanges, lostSettings } from '../../../src/core/node/containerdDump';

const BEFORE = `version = 2
root = "/var/lib/containerd"
imports = []

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.9"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
`;

describe('lostSettings', () => {
  it('accepts the runtime and the imports entry the edit adds, and tables that gain children', () => {
    const after = `${BEFORE.replace('imports = []', 'imports = ["/etc/containerd/conf.d/runsc.toml"]')}
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    endpoint = ["https://mirror.gcr.io"]
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]
    runtime_type = "io.containerd.runsc.v1"
`;
    assert.deepEqual(lostSettings(BEFORE, after, 'runsc'), []);
  });

  it('names settings that are gone or changed, the runtime\'s own ones excepted', () => {
    const replaced = `version = 2
root = "/var/lib/containerd"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]
    runtime_type = "io.containerd.runsc.v1"
`;
    const lost = lostSettings(BEFORE, replaced, 'runsc');
    assert.ok(Array.isArray(lost));
    assert.deepEqual(lost.map((c) => c.key), [
      'plugins.io.containerd.grpc.v1.cri.sandbox_image',
      'plugins.io.containerd.grpc.v1.cri.containerd.runtimes.runc.options.SystemdCgroup',
      'plugins.io.containerd.grpc.v1.cri.registry.mirrors',
    ]);
    assert.equal(describeChanges(lost, 2),
      'plugins.io.containerd.grpc.v1.cri.sandbox_image changes from "registry.k8s.io/pause:3.9" to "registry.k8s.io/pause:3.6"; ' +
      'plugins.io.containerd.grpc.v1.cri.containerd.runtimes.runc.options.SystemdCgroup (was true) is gone; and 1 more');
  });

  it('says when a dump is not TOML', () => {
    const r = lostSettings(BEFORE, 'not = [toml', 'runsc');
    assert.ok(!Array.isArray(r) && /not valid TOML/.test(r.error));
  });
});
