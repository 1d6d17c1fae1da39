import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeJson, PodJson, RuntimeClassJson } from '../../../src/core/cluster/kubeObjects';
import { summarizeNodes } from '../../../src/core/cluster/nodeSummaries';

const node = (name: string, labels: Record<string, string> = {}): NodeJson => ({
  metadata: { name, labels },
  status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.2', architecture: 'amd64', osImage: 'Debian' } },
});
const pod = (nodeName: string | undefined, runtimeClassName?: string, phase = 'Running'): PodJson => ({
  spec: { ...(nodeName ? { nodeName } : {}), ...(runtimeClassName ? { runtimeClassName } : {}) },
  status: { phase },
});
const classes: RuntimeClassJson[] = [
  { metadata: { name: 'gvisor' }, handler: 'runsc' },
  { metadata: { name: 'vm' }, handler: 'kata-qemu' },
  { metadata: { name: 'looks-safe' }, handler: 'runc' },
];

void test('one row per node, sorted, with its pod counts', () => {
  const rows = summarizeNodes(
    [node('b'), node('a', { 'kube-sandbox.dev/gvisor': '20221219' })],
    [pod('a', 'gvisor'), pod('a', 'vm'), pod('a', 'looks-safe'), pod('a'), pod('b', 'gvisor', 'Succeeded'), pod(undefined, 'gvisor'), pod('gone', 'gvisor')],
    classes,
  );
  assert.deepEqual(
    rows.map((r) => [r.name, r.sandbox.gvisor, r.pods]),
    [
      ['a', 'ready', { total: 4, sandboxed: 2 }],
      ['b', 'unknown', { total: 0, sandboxed: 0 }],
    ],
  );
  assert.equal(rows[0]?.containerRuntime, 'containerd://1.7.2');
});

void test('no nodes, no rows', () => {
  assert.deepEqual(summarizeNodes([], [pod('a')], classes), []);
});
