import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeManifest, DEFAULT_ANALYSIS_OPTIONS, type AnalysisOptions, type Finding } from '../../../src/core/manifest';

function findings(text: string, options: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS): { code: string; severity: string; at: string; message: string }[] {
  return analyzeManifest(text, options).findings.map((f: Finding) => ({
    code: f.code,
    severity: f.severity,
    at: text.slice(f.range.start, f.range.end),
    message: f.message,
  }));
}

const pod = (spec: string, metadata = 'name: p'): string => `apiVersion: v1\nkind: Pod\nmetadata: {${metadata}}\nspec:\n${spec}`;

describe('unsandboxed-workload', () => {
  it('warns on a workload with no runtimeClassName, at its kind', () => {
    const [finding] = findings(pod('  containers: []\n'));
    assert.equal(finding!.code, 'unsandboxed-workload');
    assert.equal(finding!.severity, 'warning');
    assert.equal(finding!.at, 'Pod');
    assert.match(finding!.message, /Pod "p" has no runtimeClassName: its pods run on the node's kernel/);
    assert.match(finding!.message, /kube-sandbox\.dev\/unsandboxed-reason/);
  });

  it('warns on an empty or null runtimeClassName', () => {
    for (const value of ['""', "''", '', '~', 'null']) {
      const [finding] = findings(pod(`  runtimeClassName: ${value}\n  containers: []\n`));
      assert.equal(finding?.code, 'unsandboxed-workload', `value ${value}`);
      assert.match(finding.message, /empty runtimeClassName/);
    }
  });

  it('warns on a class that is not a sandbox, at the value', () => {
    const [finding] = findings(pod('  runtimeClassName: runc\n  containers: []\n'));
    assert.equal(finding!.at, 'runc');
    assert.match(finding!.message, /uses RuntimeClass "runc", which is not a sandbox/);
  });

  it('accepts configured classes and globs', () => {
    for (const name of ['gvisor', 'kata', 'kata-qemu', 'kata-clh', '"gvisor"']) {
      assert.deepEqual(findings(pod(`  runtimeClassName: ${name}\n  containers: []\n`)), [], name);
    }
    const custom = { ...DEFAULT_ANALYSIS_OPTIONS, sandboxClasses: ['sandboxed-*'] };
    assert.deepEqual(findings(pod('  runtimeClassName: sandboxed-gvisor\n  containers: []\n'), custom), []);
    assert.equal(findings(pod('  runtimeClassName: gvisor\n  containers: []\n'), custom).length, 1);
  });

  it('is silenced by the exemption annotation on the workload or the pod template', () => {
    const onWorkload = pod('  containers: []\n', 'name: p, annotations: {kube-sandbox.dev/unsandboxed-reason: "needs host kernel modules"}');
    assert.deepEqual(findings(onWorkload), []);
    const onTemplate = `kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        kube-sandbox.dev/unsandboxed-reason: node agent\n    spec:\n      containers: []\n`;
    assert.deepEqual(findings(onTemplate), []);
    const analysis = analyzeManifest(onTemplate, DEFAULT_ANALYSIS_OPTIONS);
    assert.deepEqual(analysis.workloads[0]!.sandbox, { kind: 'exempt', reason: 'node agent', by: 'annotation' });
  });

  it('does not count an empty exemption reason', () => {
    const text = pod('  containers: []\n', 'name: p, annotations: {kube-sandbox.dev/unsandboxed-reason: ""}');
    assert.equal(findings(text).length, 1);
  });

  it('exempts configured namespaces, only when the namespace is written', () => {
    assert.deepEqual(findings(pod('  containers: []\n', 'name: p, namespace: kube-system')), []);
    assert.equal(findings(pod('  containers: []\n', 'name: p, namespace: prod')).length, 1);
    const options = { ...DEFAULT_ANALYSIS_OPTIONS, exemptNamespaces: ['prod'] };
    assert.deepEqual(findings(pod('  containers: []\n', 'name: p, namespace: prod'), options), []);
  });
});

describe('rules on sandboxed pods', () => {
  const sandboxed = (rest: string): string => pod(`  runtimeClassName: gvisor\n${rest}`);

  it('sandbox-host-namespace: one warning per host namespace that is true', () => {
    const result = findings(sandboxed('  hostNetwork: true\n  hostPID: True\n  hostIPC: false\n  containers: []\n'));
    assert.deepEqual(result.map((f) => [f.code, f.severity, f.at]), [
      ['sandbox-host-namespace', 'warning', 'hostNetwork: true'],
      ['sandbox-host-namespace', 'warning', 'hostPID: True'],
    ]);
    assert.match(result[0]!.message, /own network stack/);
  });

  it('sandbox-host-namespace: a quoted "true" is a string, not a host namespace', () => {
    assert.deepEqual(findings(sandboxed('  hostNetwork: "true"\n  containers: []\n')), []);
  });

  it('sandbox-privileged: privileged containers of every kind, and escalation with SYS_ADMIN', () => {
    const spec = [
      '  initContainers:',
      '    - name: init',
      '      securityContext: {privileged: true}',
      '  containers:',
      '    - name: app',
      '      securityContext:',
      '        allowPrivilegeEscalation: true',
      '        capabilities: {add: [NET_ADMIN, CAP_SYS_ADMIN]}',
      '    - name: ok',
      '      securityContext: {allowPrivilegeEscalation: true, capabilities: {add: [NET_ADMIN]}}',
      '  ephemeralContainers:',
      '    - name: debug',
      '      securityContext: {privileged: true}',
      '',
    ].join('\n');
    const result = findings(sandboxed(spec));
    assert.deepEqual(result.map((f) => [f.code, f.at]), [
      ['sandbox-privileged', 'privileged: true'],
      ['sandbox-privileged', 'allowPrivilegeEscalation: true'],
      ['sandbox-privileged', 'privileged: true'],
    ]);
    assert.match(result[0]!.message, /Container "init" of Pod "p" is privileged/);
  });

  it('sandbox-host-path: information per hostPath volume', () => {
    const result = findings(sandboxed('  containers: []\n  volumes:\n    - name: logs\n      hostPath:\n        path: /var/log\n    - name: tmp\n      emptyDir: {}\n'));
    assert.deepEqual(result.map((f) => [f.code, f.severity]), [['sandbox-host-path', 'information']]);
    assert.match(result[0]!.message, /Volume "logs" of Pod "p" mounts the node's \/var\/log/);
  });

  it('does not run the sandbox rules on unsandboxed or exempt pods', () => {
    const host = '  hostNetwork: true\n  containers: [{name: c, securityContext: {privileged: true}}]\n';
    assert.deepEqual(findings(pod(host)).map((f) => f.code), ['unsandboxed-workload']);
    assert.deepEqual(findings(pod(host, 'name: p, namespace: kube-system')), []);
  });

  it('reads fields through anchors, aliases and merge keys', () => {
    const text = [
      'kind: Deployment',
      'metadata: {name: d}',
      'x-base: &base',
      '  runtimeClassName: gvisor',
      '  hostNetwork: true',
      'spec:',
      '  template:',
      '    spec:',
      '      <<: *base',
      '      containers: []',
      '',
    ].join('\n');
    const result = analyzeManifest(text, DEFAULT_ANALYSIS_OPTIONS);
    assert.deepEqual(result.workloads[0]!.sandbox, { kind: 'sandboxed', runtimeClass: 'gvisor' });
    assert.deepEqual(result.findings.map((f) => f.code), ['sandbox-host-namespace']);
  });
});
