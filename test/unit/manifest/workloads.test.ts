import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeManifest, DEFAULT_ANALYSIS_OPTIONS, type ManifestAnalysis } from '../../../src/core/manifest';

const analyze = (text: string): ManifestAnalysis => analyzeManifest(text, DEFAULT_ANALYSIS_OPTIONS);

const POD_SPEC = `containers:\n  - name: app\n    image: nginx\n`;

function indentBy(text: string, n: number): string {
  return text.split('\n').map((line) => (line ? ' '.repeat(n) + line : line)).join('\n');
}

function templated(kind: string, apiVersion = 'apps/v1'): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  template:\n    spec:\n${indentBy(POD_SPEC, 6)}`;
}

const CASES: Record<string, string> = {
  Pod: `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n  namespace: shop\nspec:\n${indentBy(POD_SPEC, 2)}`,
  Deployment: templated('Deployment'),
  StatefulSet: templated('StatefulSet'),
  DaemonSet: templated('DaemonSet'),
  ReplicaSet: templated('ReplicaSet'),
  ReplicationController: templated('ReplicationController', 'v1'),
  Job: templated('Job', 'batch/v1'),
  CronJob: `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${indentBy(POD_SPEC, 10)}`,
  PodTemplate: `apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: w\n  namespace: shop\ntemplate:\n  spec:\n${indentBy(POD_SPEC, 4)}`,
};

describe('workloads', () => {
  for (const [kind, text] of Object.entries(CASES)) {
    it(`finds the pod spec of a ${kind}`, () => {
      const result = analyze(text);
      assert.equal(result.workloads.length, 1);
      const [workload] = result.workloads;
      assert.equal(workload!.kind, kind);
      assert.equal(workload!.name, 'w');
      assert.equal(workload!.namespace, 'shop');
      assert.equal(text.slice(workload!.podSpec.firstKey, workload!.podSpec.firstKey! + 10), 'containers');
      assert.deepEqual(result.findings.map((f) => f.code), ['unsandboxed-workload']);
    });
  }

  it('finds the items of a List, in YAML and JSON', () => {
    const yaml = `apiVersion: v1\nkind: List\nitems:\n- ${CASES.Pod!.replace(/\n/g, '\n  ').trimEnd()}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n`;
    assert.deepEqual(analyze(yaml).workloads.map((w) => w.kind), ['Pod']);
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { containers: [] } } } }] }, null, 2);
    assert.deepEqual(analyze(json).workloads.map((w) => `${w.kind}/${w.name}`), ['Job/j']);
  });

  it('ignores resources without a pod spec and kinds that have none', () => {
    const text = `kind: Service\nmetadata: {name: s}\n---\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 1\n---\nkind: ConfigMap\ndata: {a: b}\n`;
    const result = analyze(text);
    assert.equal(result.workloads.length, 0);
    assert.equal(result.findings.length, 0);
  });

  it('numbers documents and places every workload in its own', () => {
    const text = `# leading comment\n---\n${CASES.Pod}---\n${CASES.Job}`;
    const result = analyze(text);
    assert.deepEqual(result.workloads.map((w) => [w.kind, w.documentIndex]), [['Pod', 0], ['Job', 1]]);
    for (const workload of result.workloads) {
      assert.equal(text.slice(workload.anchor.start, workload.anchor.end), workload.kind);
    }
  });
});
