// unknown-runtime-class and the live cluster's say on what counts as sandboxed (pure: the
// cluster's classes come in as a map, as the editor passes them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeManifest, DEFAULT_ANALYSIS_OPTIONS, ManifestAnalyzer, type AnalysisOptions } from '../../../src/core/manifest';

const CLUSTER: AnalysisOptions = {
  ...DEFAULT_ANALYSIS_OPTIONS,
  clusterName: 'prod',
  clusterClasses: new Map([
    ['gvisor', 'runsc'],
    ['kata-qemu', 'kata-qemu'],
    ['secure', 'runsc'],
    ['plain', 'runc'],
  ]),
};

const pod = (runtimeClass: string | undefined, name = 'p'): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n${runtimeClass === undefined ? '' : `  runtimeClassName: ${runtimeClass}\n`}  containers: []\n`;

function codes(text: string, options: AnalysisOptions = CLUSTER): string[] {
  return analyzeManifest(text, options).findings.map((f) => f.code);
}

describe('unknown-runtime-class', () => {
  it('is an error at the value, quoting what the API server would answer', () => {
    const text = pod('gvisr');
    const [finding, ...rest] = analyzeManifest(text, CLUSTER).findings;
    // The error says it all: the pods would not start, so no unsandboxed-workload warning too.
    assert.deepEqual(rest.map((f) => f.code), []);
    assert.equal(finding?.code, 'unknown-runtime-class');
    assert.equal(finding.severity, 'error');
    assert.equal(text.slice(finding.range.start, finding.range.end), 'gvisr');
    assert.match(finding.message, /RuntimeClass "gvisr" does not exist in cluster "prod"/);
    assert.match(finding.message, /pod rejected: RuntimeClass "gvisr" not found/);
    // Only classes that really sandbox are offered: "plain" runs runc.
    assert.match(finding.message, /sandbox classes \(gvisor, kata-qemu, secure\)/);
  });

  it('names the pods of a controller, which the server refuses one by one', () => {
    const text = 'kind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      runtimeClassName: "nope"\n      containers: []\n';
    const [finding] = analyzeManifest(text, CLUSTER).findings;
    assert.equal(finding?.code, 'unknown-runtime-class');
    assert.equal(text.slice(finding.range.start, finding.range.end), '"nope"');
    assert.match(finding.message, /every pod of Deployment "web"/);
  });

  it('says when the cluster has no sandbox class at all', () => {
    const options = { ...CLUSTER, clusterClasses: new Map([['plain', 'runc']]) };
    const [finding] = analyzeManifest(pod('gvisor'), options).findings;
    assert.match(finding!.message, /has no sandbox class yet/);
  });

  it('is silent without a cluster, for classes the cluster has, and for no or empty class', () => {
    assert.deepEqual(codes(pod('gvisr'), DEFAULT_ANALYSIS_OPTIONS), ['unsandboxed-workload']);
    assert.deepEqual(codes(pod('gvisor')), []);
    assert.deepEqual(codes(pod(undefined)), ['unsandboxed-workload']);
    assert.deepEqual(codes(pod('""')), ['unsandboxed-workload']);
  });

  it('reports an exempt workload too: the exemption does not make the server accept the pod', () => {
    const text = 'kind: Pod\nmetadata:\n  name: p\n  annotations: {kube-sandbox.dev/unsandboxed-reason: "host agent"}\nspec:\n  runtimeClassName: missing\n  containers: []\n';
    assert.deepEqual(codes(text), ['unknown-runtime-class']);
  });

  it('an unknown class that looks like a sandbox is not also reported as unsandboxed', () => {
    assert.deepEqual(codes(pod('kata-fc')), ['unknown-runtime-class']);
  });
});

describe('sandbox state with a live cluster', () => {
  it('goes by the handler: a runsc class of any name is sandboxed, a runc class named gvisor is not', () => {
    const options = { ...CLUSTER, clusterClasses: new Map([['secure', 'runsc'], ['gvisor', 'runc'], ['vm', 'kata-clh']]) };
    assert.deepEqual(analyzeManifest(pod('secure'), options).workloads[0]?.sandbox, { kind: 'sandboxed', runtimeClass: 'secure' });
    assert.deepEqual(analyzeManifest(pod('vm'), options).workloads[0]?.sandbox, { kind: 'sandboxed', runtimeClass: 'vm' });
    assert.deepEqual(analyzeManifest(pod('gvisor'), options).workloads[0]?.sandbox, { kind: 'unsandboxed', runtimeClass: 'gvisor' });
    assert.deepEqual(codes(pod('gvisor'), options), ['unsandboxed-workload']);
  });

  it('the analyzer cache starts over when the cluster\'s classes change', () => {
    const analyzer = new ManifestAnalyzer();
    const text = pod('kata-fc');
    const before = new Map([['gvisor', 'runsc']]);
    assert.deepEqual(analyzer.analyze(text, { ...CLUSTER, clusterClasses: before }).findings.map((f) => f.code), ['unknown-runtime-class']);
    const after = new Map([['gvisor', 'runsc'], ['kata-fc', 'kata-fc']]);
    assert.deepEqual(analyzer.analyze(text, { ...CLUSTER, clusterClasses: after }).findings.map((f) => f.code), []);
    const plain = new Map([['gvisor', 'runsc'], ['kata-fc', 'runc']]);
    assert.deepEqual(analyzer.analyze(text, { ...CLUSTER, clusterClasses: plain }).findings.map((f) => f.code), ['unsandboxed-workload']);
    // The same classes in another order are the same options: the cache is kept.
    const reordered = new Map([['kata-fc', 'runc'], ['gvisor', 'runsc']]);
    assert.deepEqual(analyzer.analyze(text, { ...CLUSTER, clusterClasses: reordered }).findings.map((f) => f.code), ['unsandboxed-workload']);
    assert.deepEqual(analyzer.analyze(text, DEFAULT_ANALYSIS_OPTIONS).findings.map((f) => f.code), []);
  });
});
