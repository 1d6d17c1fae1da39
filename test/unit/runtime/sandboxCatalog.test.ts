import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  SANDBOXES,
  SANDBOX_IDS,
  buildRuntimeClass,
  isSandboxHandler,
  isSandboxId,
  parseNodeSelector,
  runtimeClassNameProblem,
  runtimeClassYaml,
  sandboxForHandler,
  sandboxKind,
} from '../../../src/core/runtime/sandboxCatalog';

void test('the catalog offers gVisor and the three kata-deploy VM runtimes', () => {
  assert.deepEqual(SANDBOX_IDS, ['gvisor', 'kata-qemu', 'kata-clh', 'kata-fc']);
  assert.deepEqual(
    SANDBOXES.map((s) => [s.id, s.handler]),
    [['gvisor', 'runsc'], ['kata-qemu', 'kata-qemu'], ['kata-clh', 'kata-clh'], ['kata-fc', 'kata-fc']],
  );
  for (const s of SANDBOXES) assert.ok(isSandboxHandler(s.handler), s.id);
});

void test('gVisor: handler runsc, no overhead, no scheduling unless asked', () => {
  assert.deepEqual(buildRuntimeClass('gvisor'), {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: 'gvisor' },
    handler: 'runsc',
  });
});

void test('Kata classes carry the overhead kata-deploy ships', () => {
  assert.deepEqual(buildRuntimeClass('kata-qemu').overhead, { podFixed: { memory: '160Mi', cpu: '250m' } });
  assert.deepEqual(buildRuntimeClass('kata-clh').overhead, { podFixed: { memory: '130Mi', cpu: '250m' } });
  assert.deepEqual(buildRuntimeClass('kata-fc').overhead, { podFixed: { memory: '130Mi', cpu: '250m' } });
  assert.deepEqual(sandboxKind('kata-fc').nodeLabel, { key: 'katacontainers.io/kata-runtime', value: 'true', setBy: 'kata-deploy' });
});

void test('name, node selector and tolerations go where the API expects them', () => {
  const rc = buildRuntimeClass('gvisor', {
    name: 'sandboxed',
    nodeSelector: { 'kube-sandbox.dev/gvisor': '20221219' },
    tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }],
  });
  assert.deepEqual(rc, {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: 'sandboxed' },
    handler: 'runsc',
    scheduling: {
      nodeSelector: { 'kube-sandbox.dev/gvisor': '20221219' },
      tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }],
    },
  });
  assert.equal(buildRuntimeClass('gvisor', { nodeSelector: {}, tolerations: [] }).scheduling, undefined);
});

void test('the built object does not share the catalog entry (callers may change it)', () => {
  const rc = buildRuntimeClass('kata-qemu');
  (rc.overhead?.podFixed as Record<string, string>).memory = '1Gi';
  assert.equal(buildRuntimeClass('kata-qemu').overhead?.podFixed?.memory, '160Mi');
});

void test('bad names and selectors are refused with a sentence', () => {
  assert.throws(() => buildRuntimeClass('gvisor', { name: 'GVisor' }), /cannot name a RuntimeClass/);
  assert.throws(() => buildRuntimeClass('gvisor', { nodeSelector: { 'bad key!': 'x' } }), /not a valid label key/);
  assert.throws(() => buildRuntimeClass('gvisor', { nodeSelector: { ok: 'bad value!' } }), /not a valid value/);
  assert.equal(runtimeClassNameProblem('gvisor'), undefined);
  assert.match(runtimeClassNameProblem('') ?? '', /needs a name/);
});

void test('parseNodeSelector reads k=v pairs and explains malformed ones', () => {
  assert.deepEqual(parseNodeSelector(['kube-sandbox.dev/gvisor=20221219', ' disk = ssd ', 'empty=']), {
    selector: { 'kube-sandbox.dev/gvisor': '20221219', disk: 'ssd', empty: '' },
  });
  const bad = parseNodeSelector(['novalue']);
  assert.ok('problem' in bad && /key=value/.test(bad.problem));
  const badKey = parseNodeSelector(['=x']);
  assert.ok('problem' in badKey);
});

void test('ids and handlers map back to the catalog', () => {
  assert.ok(isSandboxId('kata-clh'));
  assert.ok(!isSandboxId('kata'));
  assert.equal(sandboxForHandler('runsc')?.id, 'gvisor');
  assert.equal(sandboxForHandler('runc'), undefined);
  assert.ok(isSandboxHandler('kata-dragonball'));
  assert.ok(!isSandboxHandler('runc'));
  assert.ok(!isSandboxHandler(undefined));
});

void test('the YAML preview round-trips and quotes what must stay a string', () => {
  const rc = buildRuntimeClass('kata-qemu', { nodeSelector: { 'katacontainers.io/kata-runtime': 'true' } });
  const text = runtimeClassYaml(rc);
  assert.deepEqual(parse(text), rc);
  assert.match(text, /^apiVersion: node\.k8s\.io\/v1\nkind: RuntimeClass\nmetadata:\n {2}name: kata-qemu\nhandler: kata-qemu\n/);
  assert.match(text, /katacontainers\.io\/kata-runtime: "true"/);
});

void test('the YAML preview leaves out server-side metadata', () => {
  const text = runtimeClassYaml({ metadata: { name: 'gvisor', resourceVersion: '42' }, handler: 'runsc' });
  assert.equal(text, 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: gvisor\nhandler: runsc\n');
});
