import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeJson } from '../../../src/core/cluster/kubeObjects';
import { gvisorState, nodeSandboxStatus } from '../../../src/core/cluster/nodeSandboxStatus';

const nodeInfo = {
  containerRuntimeVersion: 'containerd://1.7.2',
  kernelVersion: '6.1.0-18-amd64',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'amd64',
};

function node(extra: { labels?: Record<string, string>; runtimeHandlers?: { name?: string }[]; ready?: string } = {}): NodeJson {
  return {
    metadata: { name: 'worker-1', ...(extra.labels ? { labels: extra.labels } : {}) },
    status: {
      nodeInfo,
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: extra.ready ?? 'True' },
      ],
      ...(extra.runtimeHandlers ? { runtimeHandlers: extra.runtimeHandlers } : {}),
    },
  };
}

void test('a node whose kubelet offers the runsc handler is ready for gVisor', () => {
  assert.deepEqual(nodeSandboxStatus(node({ runtimeHandlers: [{ name: '' }, { name: 'runc' }, { name: 'runsc' }] })), {
    name: 'worker-1',
    ready: true,
    containerRuntime: 'containerd://1.7.2',
    kernelVersion: '6.1.0-18-amd64',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    architecture: 'amd64',
    sandbox: { gvisor: 'ready' },
  });
});

void test('our label marks gVisor ready even when the kubelet does not list handlers', () => {
  assert.equal(gvisorState(node({ labels: { 'kube-sandbox.dev/gvisor': '20240212' } })), 'ready');
  // An empty value still means we installed it (the version may be unknown).
  assert.equal(gvisorState(node({ labels: { 'kube-sandbox.dev/gvisor': '' } })), 'ready');
});

void test('the label wins over a handler list without runsc (the kubelet may not have restarted yet)', () => {
  assert.equal(gvisorState(node({ labels: { 'kube-sandbox.dev/gvisor': 'x' }, runtimeHandlers: [{ name: 'runc' }] })), 'ready');
});

void test('gVisor is absent when the node lists its handlers and runsc is not one of them', () => {
  assert.equal(gvisorState(node({ runtimeHandlers: [{ name: '' }, { name: 'runc' }, { name: 'kata-qemu' }] })), 'absent');
  assert.equal(gvisorState(node({ runtimeHandlers: [] })), 'absent');
});

void test('gVisor is unknown when the node does not report handlers (kubelet before 1.30)', () => {
  assert.equal(gvisorState(node()), 'unknown');
  assert.equal(gvisorState(node({ labels: { 'kube-sandbox.dev/other': 'x' } })), 'unknown');
});

void test('readiness comes from the Ready condition only', () => {
  assert.equal(nodeSandboxStatus(node({ ready: 'False' })).ready, false);
  assert.equal(nodeSandboxStatus(node({ ready: 'Unknown' })).ready, false);
  assert.equal(nodeSandboxStatus({ metadata: { name: 'bare' } }).ready, false);
});

void test('a node that has reported nothing yet gives empty fields, not a crash', () => {
  assert.deepEqual(nodeSandboxStatus({}), {
    name: '',
    ready: false,
    containerRuntime: '',
    kernelVersion: '',
    osImage: '',
    architecture: '',
    sandbox: { gvisor: 'unknown' },
  });
});
