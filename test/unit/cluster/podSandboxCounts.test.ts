import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodJson, RuntimeClassJson } from '../../../src/core/cluster/kubeObjects';
import { isSandboxHandler } from '../../../src/core/cluster/kubeObjects';
import { podCountsByNode, podCountsForNode, sandboxedClassNames } from '../../../src/core/cluster/podSandboxCounts';

const classes: RuntimeClassJson[] = [
  { metadata: { name: 'gvisor' }, handler: 'runsc' },
  { metadata: { name: 'kata' }, handler: 'kata-qemu' },
  { metadata: { name: 'kata-fc' }, handler: 'kata-fc' },
  // Named like a sandbox, but runs runc: not sandboxed.
  { metadata: { name: 'secure' }, handler: 'runc' },
  // Named like nothing, but runs runsc: sandboxed.
  { metadata: { name: 'locked-down' }, handler: 'runsc' },
];

function pod(name: string, nodeName: string | undefined, runtimeClassName?: string, phase = 'Running'): PodJson {
  return {
    metadata: { name, namespace: 'default' },
    spec: { ...(nodeName ? { nodeName } : {}), ...(runtimeClassName ? { runtimeClassName } : {}) },
    status: { phase },
  };
}

void test('sandbox handlers are runsc and kata*', () => {
  assert.equal(isSandboxHandler('runsc'), true);
  assert.equal(isSandboxHandler('kata'), true);
  assert.equal(isSandboxHandler('kata-clh'), true);
  assert.equal(isSandboxHandler('runc'), false);
  assert.equal(isSandboxHandler('runsc-debug'), false);
  assert.equal(isSandboxHandler(''), false);
  assert.equal(isSandboxHandler(undefined), false);
});

void test('a class counts as sandboxed by its handler, not by its name', () => {
  assert.deepEqual([...sandboxedClassNames(classes)].sort(), ['gvisor', 'kata', 'kata-fc', 'locked-down']);
});

void test('pods are counted per node, sandboxed ones by their class', () => {
  const counts = podCountsByNode(
    [
      pod('a', 'n1', 'gvisor'),
      pod('b', 'n1'),
      pod('c', 'n1', 'secure'),
      pod('d', 'n1', 'locked-down'),
      pod('e', 'n2', 'kata'),
      pod('f', 'n2', 'missing-class'),
    ],
    classes,
  );
  assert.deepEqual(podCountsForNode(counts, 'n1'), { total: 4, sandboxed: 2 });
  assert.deepEqual(podCountsForNode(counts, 'n2'), { total: 2, sandboxed: 1 });
  assert.deepEqual(podCountsForNode(counts, 'n3'), { total: 0, sandboxed: 0 });
});

void test('unscheduled and finished pods count for no node', () => {
  const counts = podCountsByNode(
    [pod('pending', undefined, 'gvisor', 'Pending'), pod('done', 'n1', 'gvisor', 'Succeeded'), pod('crashed', 'n1', undefined, 'Failed'), pod('up', 'n1', 'gvisor')],
    classes,
  );
  assert.deepEqual([...counts.keys()], ['n1']);
  assert.deepEqual(podCountsForNode(counts, 'n1'), { total: 1, sandboxed: 1 });
});

void test('without RuntimeClasses in the cluster no pod is sandboxed, whatever it names', () => {
  const counts = podCountsByNode([pod('a', 'n1', 'gvisor'), pod('b', 'n1', 'kata')], []);
  assert.deepEqual(podCountsForNode(counts, 'n1'), { total: 2, sandboxed: 0 });
});
