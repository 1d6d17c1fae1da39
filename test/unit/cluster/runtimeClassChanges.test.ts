import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeClassJson } from '../../../src/core/cluster/kubeObjects';
import {
  describeRuntimeClassChanges,
  runtimeClassChanges,
  runtimeClassForUpdate,
} from '../../../src/core/cluster/runtimeClassChanges';

const existing: RuntimeClassJson = {
  apiVersion: 'node.k8s.io/v1',
  kind: 'RuntimeClass',
  metadata: { name: 'gvisor', resourceVersion: '42', labels: { team: 'infra' } },
  handler: 'runsc',
};

void test('the same class again changes nothing', () => {
  assert.deepEqual(runtimeClassChanges(existing, { metadata: { name: 'gvisor' }, handler: 'runsc' }), []);
});

void test('empty maps and lists equal missing ones', () => {
  const desired: RuntimeClassJson = { metadata: { name: 'gvisor' }, handler: 'runsc', overhead: { podFixed: {} }, scheduling: { nodeSelector: {}, tolerations: [] } };
  assert.deepEqual(runtimeClassChanges(existing, desired), []);
});

void test('a changed handler and a new node selector are reported with old and new values', () => {
  const changes = runtimeClassChanges(existing, {
    metadata: { name: 'gvisor' },
    handler: 'kata-qemu',
    scheduling: { nodeSelector: { 'kube-sandbox.dev/gvisor': '20221219' } },
  });
  assert.deepEqual(changes, [
    { field: 'handler', from: 'runsc', to: 'kata-qemu' },
    { field: 'scheduling.nodeSelector', from: '', to: 'kube-sandbox.dev/gvisor=20221219' },
  ]);
  assert.equal(
    describeRuntimeClassChanges(changes),
    'handler: runsc → kata-qemu; scheduling.nodeSelector: (none) → kube-sandbox.dev/gvisor=20221219',
  );
});

void test('key order does not make a change; a different overhead does', () => {
  const withOverhead: RuntimeClassJson = { ...existing, overhead: { podFixed: { memory: '160Mi', cpu: '250m' } } };
  assert.deepEqual(runtimeClassChanges(withOverhead, { handler: 'runsc', overhead: { podFixed: { cpu: '250m', memory: '160Mi' } } }), []);
  assert.deepEqual(runtimeClassChanges(withOverhead, { handler: 'runsc', overhead: { podFixed: { cpu: '250m', memory: '130Mi' } } }), [
    { field: 'overhead.podFixed', from: 'cpu=250m, memory=160Mi', to: 'cpu=250m, memory=130Mi' },
  ]);
});

void test('tolerations compare as JSON with sorted keys', () => {
  const tol = [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }];
  const withTol: RuntimeClassJson = { ...existing, scheduling: { tolerations: tol } };
  assert.deepEqual(runtimeClassChanges(withTol, { handler: 'runsc', scheduling: { tolerations: [{ effect: 'NoSchedule', operator: 'Exists', key: 'sandbox' }] } }), []);
  assert.deepEqual(runtimeClassChanges(existing, { handler: 'runsc', scheduling: { tolerations: tol } }), [
    { field: 'scheduling.tolerations', from: '', to: '[{"effect":"NoSchedule","key":"sandbox","operator":"Exists"}]' },
  ]);
});

void test('labels count only when the desired class sets them; others are kept on update', () => {
  assert.deepEqual(runtimeClassChanges(existing, { handler: 'runsc', metadata: { labels: { team: 'infra' } } }), []);
  assert.deepEqual(runtimeClassChanges(existing, { handler: 'runsc', metadata: { labels: { owner: 'kube-sandbox' } } }), [
    { field: 'labels.owner', from: '', to: 'kube-sandbox' },
  ]);
  const body = runtimeClassForUpdate(existing, { handler: 'runsc', metadata: { labels: { owner: 'kube-sandbox' } }, scheduling: { nodeSelector: { a: 'b' } } });
  assert.deepEqual(body, {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: 'gvisor', resourceVersion: '42', labels: { team: 'infra', owner: 'kube-sandbox' } },
    handler: 'runsc',
    scheduling: { nodeSelector: { a: 'b' } },
  });
});
