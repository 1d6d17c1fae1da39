import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeManifest, applyEdits, DEFAULT_ANALYSIS_OPTIONS, exemptionEdit, runtimeClassEdit, sandboxAllEdits, type TextEdit,
} from '../../../src/core/manifest';

const options = DEFAULT_ANALYSIS_OPTIONS;

/** Applies the runtimeClass fix to the first workload, checks it is a pure insertion or value swap, and returns the new text. */
function fix(text: string, className = 'gvisor'): { result: string; edit: TextEdit } {
  const analysis = analyzeManifest(text, options);
  const edit = runtimeClassEdit(text, analysis.workloads[0]!, className, analysis.eol);
  const result = applyEdits(text, [edit]);
  assert.equal(result.slice(0, edit.start), text.slice(0, edit.start), 'bytes before the edit are unchanged');
  assert.equal(result.slice(edit.start + edit.newText.length), text.slice(edit.end), 'bytes after the edit are unchanged');
  const after = analyzeManifest(result, options);
  assert.deepEqual(after.syntaxProblems, [], 'the result still parses');
  assert.deepEqual(after.workloads[0]!.sandbox, { kind: 'sandboxed', runtimeClass: className });
  return { result, edit };
}

describe('runtimeClassEdit', () => {
  it('inserts the field as the pod spec first key, at its indentation, above its comments', () => {
    const text = 'kind: Deployment\nspec:\n  template:\n    spec:\n      # the app\n      containers:\n        - name: a\n';
    assert.equal(fix(text).result, 'kind: Deployment\nspec:\n  template:\n    spec:\n      runtimeClassName: gvisor\n      # the app\n      containers:\n        - name: a\n');
  });

  it('keeps CRLF line endings', () => {
    const text = 'kind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n    containers: []\r\n';
    assert.equal(fix(text).result, 'kind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n    runtimeClassName: gvisor\r\n    containers: []\r\n');
  });

  it('writes flow style into a flow pod spec', () => {
    assert.equal(fix('kind: Pod\nspec: {containers: [{name: a}]}\n').result, 'kind: Pod\nspec: {runtimeClassName: gvisor, containers: [{name: a}]}\n');
    assert.equal(fix('kind: Pod\nspec: { containers: [] }\n').result, 'kind: Pod\nspec: { runtimeClassName: gvisor, containers: [] }\n');
    assert.equal(fix('kind: Pod\nspec: {}\n').result, 'kind: Pod\nspec: {runtimeClassName: gvisor}\n');
  });

  it('writes JSON into JSON, on its own line when keys are on their own lines', () => {
    const text = '{\n  "kind": "Pod",\n  "spec": {\n    "containers": []\n  }\n}\n';
    assert.equal(fix(text).result, '{\n  "kind": "Pod",\n  "spec": {\n    "runtimeClassName": "gvisor",\n    "containers": []\n  }\n}\n');
    assert.equal(fix('{"kind":"Pod","spec":{"containers":[]}}').result, '{"kind":"Pod","spec":{"runtimeClassName": "gvisor", "containers":[]}}');
  });

  it('replaces an empty, null or non-sandbox value, keeping its quotes', () => {
    assert.equal(fix('kind: Pod\nspec:\n  runtimeClassName: runc\n  containers: []\n').result, 'kind: Pod\nspec:\n  runtimeClassName: gvisor\n  containers: []\n');
    assert.equal(fix('kind: Pod\nspec:\n  runtimeClassName: ""\n  containers: []\n').result, 'kind: Pod\nspec:\n  runtimeClassName: "gvisor"\n  containers: []\n');
    assert.equal(fix('kind: Pod\nspec:\n  runtimeClassName:\n  containers: []\n').result, 'kind: Pod\nspec:\n  runtimeClassName: gvisor\n  containers: []\n');
    assert.equal(fix('kind: Pod\nspec:\n  runtimeClassName: ~ # none\n  containers: []\n').result, 'kind: Pod\nspec:\n  runtimeClassName: gvisor # none\n  containers: []\n');
  });

  it('keeps comments, anchors, merge keys and tabs inside strings', () => {
    const text = [
      '# top comment',
      'kind: Deployment # trailing',
      'metadata: &meta {name: "a\\tb", note: "tab\there"}',
      'spec:',
      '  template:',
      '    metadata: *meta',
      '    spec: &pod',
      '      <<: {hostIPC: false}',
      '      containers: # inline',
      '        - {name: x, command: ["sh", "-c", "printf \'a\\tb\'"]}',
      '',
    ].join('\n');
    const { result } = fix(text);
    assert.equal(result, text.replace('    spec: &pod\n', '    spec: &pod\n      runtimeClassName: gvisor\n'));
  });

  it('adds to the last key when the pod spec begins on a `- ` line', () => {
    const text = 'kind: List\nitems:\n- kind: Pod\n  spec:\n    containers: []\n';
    assert.equal(fix(text).result, 'kind: List\nitems:\n- kind: Pod\n  spec:\n    runtimeClassName: gvisor\n    containers: []\n');
  });

  it('quotes class names that YAML would read as something else, and refuses invalid ones', () => {
    const text = 'kind: Pod\nspec:\n  containers: []\n';
    const analysis = analyzeManifest(text, options);
    for (const [name, written] of [['1sandbox', '"1sandbox"'], ['true', '"true"'], ['no', '"no"'], ['gvisor.v2', 'gvisor.v2']]) {
      const result = applyEdits(text, [runtimeClassEdit(text, analysis.workloads[0]!, name!, '\n')]);
      assert.match(result, new RegExp(`runtimeClassName: ${written}\n`));
      const after = analyzeManifest(result, { ...options, sandboxClasses: [name!] });
      assert.deepEqual(after.workloads[0]!.sandbox, { kind: 'sandboxed', runtimeClass: name }, name);
    }
    assert.throws(() => runtimeClassEdit(text, analysis.workloads[0]!, 'Bad Name', '\n'), /not a valid RuntimeClass name/);
  });
});

describe('sandboxAllEdits', () => {
  it('fixes every unsandboxed workload and leaves sandboxed and exempt ones alone', () => {
    const text = [
      'kind: Pod\nmetadata: {name: a}\nspec:\n  containers: []\n',
      'kind: Pod\nmetadata: {name: b}\nspec:\n  runtimeClassName: kata-qemu\n  containers: []\n',
      'kind: Pod\nmetadata: {name: c, namespace: kube-system}\nspec:\n  containers: []\n',
      'kind: Job\nmetadata: {name: d}\nspec:\n  template:\n    spec: {containers: []}\n',
    ].join('---\n');
    const analysis = analyzeManifest(text, options);
    const result = applyEdits(text, sandboxAllEdits(text, analysis, 'gvisor'));
    const after = analyzeManifest(result, options);
    assert.deepEqual(after.workloads.map((w) => w.sandbox.kind), ['sandboxed', 'sandboxed', 'exempt', 'sandboxed']);
    assert.deepEqual(after.findings, []);
    assert.equal(result.split('runtimeClassName: gvisor').length - 1, 2);
  });
});

describe('exemptionEdit', () => {
  function exempt(text: string, reason = 'loads kernel modules'): string {
    const analysis = analyzeManifest(text, options);
    const result = applyEdits(text, [exemptionEdit(text, analysis.workloads[0]!, reason, analysis.eol)]);
    const after = analyzeManifest(result, options);
    assert.deepEqual(after.syntaxProblems, []);
    assert.deepEqual(after.workloads[0]!.sandbox, { kind: 'exempt', reason: reason.trim(), by: 'annotation' });
    return result;
  }

  it('adds to existing annotations', () => {
    assert.equal(exempt('kind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: b\nspec: {containers: []}\n'),
      'kind: Pod\nmetadata:\n  name: p\n  annotations:\n    kube-sandbox.dev/unsandboxed-reason: "loads kernel modules"\n    a: b\nspec: {containers: []}\n');
  });

  it('creates annotations inside metadata, with the file indentation step', () => {
    assert.equal(exempt('kind: Pod\nmetadata:\n    name: p\nspec: {containers: []}\n'),
      'kind: Pod\nmetadata:\n    annotations:\n        kube-sandbox.dev/unsandboxed-reason: "loads kernel modules"\n    name: p\nspec: {containers: []}\n');
  });

  it('fills a null annotations or metadata value', () => {
    assert.equal(exempt('kind: Pod\nmetadata:\n  name: p\n  annotations:\nspec: {containers: []}\n'),
      'kind: Pod\nmetadata:\n  name: p\n  annotations:\n    kube-sandbox.dev/unsandboxed-reason: "loads kernel modules"\nspec: {containers: []}\n');
    assert.equal(exempt('kind: Pod\nmetadata: ~\nspec: {containers: []}\n'),
      'kind: Pod\nmetadata: {annotations: {kube-sandbox.dev/unsandboxed-reason: "loads kernel modules"}}\nspec: {containers: []}\n');
  });

  it('creates metadata when there is none, and escapes the reason', () => {
    const result = exempt('kind: Pod\nspec: {containers: []}\n', 'needs "host"\nnetwork');
    assert.equal(result, 'metadata:\n  annotations:\n    kube-sandbox.dev/unsandboxed-reason: "needs \\"host\\"\\nnetwork"\nkind: Pod\nspec: {containers: []}\n');
  });

  it('writes JSON into JSON', () => {
    assert.equal(exempt('{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}'),
      '{"kind": "Pod", "metadata": {"kube-sandbox.dev/unsandboxed-reason": "loads kernel modules", "name": "p"}, "spec": {"containers": []}}'.replace('"kube-sandbox.dev/unsandboxed-reason": "loads kernel modules", "name"', '"annotations": {"kube-sandbox.dev/unsandboxed-reason": "loads kernel modules"}, "name"'));
  });

  it('refuses an empty reason', () => {
    const text = 'kind: Pod\nspec: {containers: []}\n';
    const analysis = analyzeManifest(text, options);
    assert.throws(() => exemptionEdit(text, analysis.workloads[0]!, '  ', '\n'), /needs a reason/);
  });
});
