import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unifiedDiff } from '../../../src/core/text/unifiedDiff';

const labels = { oldLabel: 'a/config.toml', newLabel: 'b/config.toml' };

/** Applies a unified diff to `old` the way `patch` does (hunks in order, context checked). */
function applyPatch(old: string, diff: string): string {
  if (diff === '') return old;
  const oldLines = old === '' ? [] : old.split(/(?<=\n)/);
  const out: string[] = [];
  const lines = diff.split('\n');
  assert.equal(lines.pop(), '', 'a diff ends with a newline');
  assert.ok(lines[0]!.startsWith('--- ') && lines[1]!.startsWith('+++ '));
  let next = 0;
  for (let i = 2; i < lines.length; ) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!);
    assert.ok(m, `hunk header expected: ${lines[i]}`);
    const oldStart = Number(m[1]);
    const oldCount = m[2] === undefined ? 1 : Number(m[2]);
    const from = oldCount === 0 ? oldStart : oldStart - 1;
    while (next < from) out.push(oldLines[next++]!);
    i++;
    while (i < lines.length && !lines[i]!.startsWith('@@')) {
      const line = lines[i]!;
      const noNewline = lines[i + 1] === '\\ No newline at end of file';
      const body = line.slice(1) + (noNewline ? '' : '\n');
      if (line[0] === ' ' || line[0] === '-') {
        assert.equal(oldLines[next], body, `context/removed line ${next + 1} matches`);
        next++;
      }
      if (line[0] === ' ' || line[0] === '+') out.push(body);
      i += noNewline ? 2 : 1;
    }
  }
  while (next < oldLines.length) out.push(oldLines[next++]!);
  return out.join('');
}

describe('unifiedDiff', () => {
  it('is empty for identical texts', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', labels), '');
  });

  it('shows an insertion with three lines of context, like diff -u', () => {
    const old = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\n';
    const neu = 'l1\nl2\nl3\nl4\nnew\nl5\nl6\nl7\n';
    assert.equal(unifiedDiff(old, neu, labels), '--- a/config.toml\n+++ b/config.toml\n@@ -2,6 +2,7 @@\n l2\n l3\n l4\n+new\n l5\n l6\n l7\n');
  });

  it('splits far-apart changes into hunks and merges close ones', () => {
    const old = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const far = old.replace('line 2\n', 'LINE 2\n').replace('line 19\n', 'LINE 19\n');
    assert.equal((unifiedDiff(old, far, labels).match(/^@@/gm) ?? []).length, 2);
    const close = old.replace('line 5\n', 'LINE 5\n').replace('line 11\n', 'LINE 11\n');
    assert.equal((unifiedDiff(old, close, labels).match(/^@@/gm) ?? []).length, 1);
    assert.equal((unifiedDiff(old, close, { ...labels, context: 1 }).match(/^@@/gm) ?? []).length, 2);
  });

  it('names the line before an empty range and leaves out a count of one', () => {
    assert.equal(unifiedDiff('', 'a\n', labels), '--- a/config.toml\n+++ b/config.toml\n@@ -0,0 +1 @@\n+a\n');
    assert.equal(unifiedDiff('a\nb\n', 'a\n', { ...labels, context: 0 }), '--- a/config.toml\n+++ b/config.toml\n@@ -2 +1,0 @@\n-b\n');
  });

  it('reports a missing final newline as GNU diff does', () => {
    assert.equal(
      unifiedDiff('a\nb', 'a\nb\nc', labels),
      '--- a/config.toml\n+++ b/config.toml\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n',
    );
    assert.notEqual(unifiedDiff('a', 'a\n', labels), '', 'adding only the final newline is a change');
  });

  it('keeps carriage returns inside lines, so CRLF changes are visible', () => {
    const diff = unifiedDiff('a\r\nb\r\n', 'a\r\nb\n', labels);
    assert.match(diff, /^-b\r$/m);
    assert.match(diff, /^\+b$/m);
  });

  it('produces patches that turn the old text into the new one', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', '', '  x = 1', 'a\r'), { maxLength: 30 }).chain((lines) =>
      fc.boolean().map((finalNewline) => lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '')),
    );
    fc.assert(
      fc.property(text, text, fc.nat(4), (a, b, context) => {
        assert.equal(applyPatch(a, unifiedDiff(a, b, { ...labels, context })), b);
      }),
      { numRuns: 500 },
    );
  });

  it('is fast enough for big files with many changes', () => {
    const old = Array.from({ length: 4000 }, (_, i) => `key_${i} = ${i}`).join('\n') + '\n';
    const neu = old.replace(/= (\d*7)\n/g, '= $1 # changed\n');
    const started = Date.now();
    const diff = unifiedDiff(old, neu, labels);
    assert.ok(Date.now() - started < 2000, 'under 2 s');
    assert.equal(applyPatch(old, diff), neu);
  });
});
