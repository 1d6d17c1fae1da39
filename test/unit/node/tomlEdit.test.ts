import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { ensureValues, verifyEdit } from '../../../src/core/node/configEdit';
import { scanDocument, scanInlineTable } from '../../../src/core/node/tomlScan';
import type { DesiredTable } from '../../../src/core/node/tomlTree';
import { isSubsequence } from './configAssertions';

function ensure(text: string, base: string[], desired: DesiredTable): string {
  const out = ensureValues(text, parse(text), base, desired, 'test.toml');
  if (out.kind === 'error') throw new Error(out.message);
  return out.kind === 'changed' ? out.text : text;
}

describe('scanDocument', () => {
  it('finds headers, keys and value ranges past strings, arrays, comments and dates', () => {
    const text = [
      'title = "a # not a comment"  # comment',
      "path = 'C:\\dir\\'",
      'multi = """',
      '[not.a.header]',
      'quote: \\""" and five quotes: """""',
      'list = [ 1, [2, "]"], # comment',
      '  { a = "}" } ]',
      'when = 1979-05-27 07:32:00Z',
      '[ a . "b.c" ]   # header comment',
      'x.y = { z = 1 }',
      '[[arr]]',
      'k = true',
    ].join('\n');
    const doc = scanDocument(text);
    assert.deepEqual(doc.sections.map((s) => s.path), [[], ['a', 'b.c'], ['arr']]);
    const root = doc.sections[0]!;
    assert.deepEqual(root.keyValues.map((kv) => kv.path.join('/')), ['title', 'path', 'multi', 'list', 'when']);
    const value = (i: number): string => text.slice(root.keyValues[i]!.value.start, root.keyValues[i]!.value.end);
    assert.equal(value(0), '"a # not a comment"');
    assert.equal(value(1), "'C:\\dir\\'");
    assert.match(value(2), /^"""\n\[not\.a\.header\][^]*"""""$/);
    assert.equal(value(3), '[ 1, [2, "]"], # comment\n  { a = "}" } ]');
    assert.equal(value(4), '1979-05-27 07:32:00Z');
    assert.equal(doc.sections[1]!.segments.map((s) => s.raw).join('|'), 'a|"b.c"');
    assert.deepEqual(doc.sections[1]!.keyValues[0]!.path, ['a', 'b.c', 'x', 'y']);
    assert.equal(doc.sections[2]!.isArray, true);
    assert.equal(parse(text)['title'], 'a # not a comment', 'the sample is valid TOML');
  });

  it('reads inline tables, escapes in quoted keys, and CRLF', () => {
    const text = 'k = { "a\\u0062" = 1, b.c = [1, 2], d = {} }\r\n[t]\r\n';
    const doc = scanDocument(text);
    assert.equal(doc.eol, '\r\n');
    const layout = scanInlineTable(text, doc.sections[0]!.keyValues[0]!.value.start);
    assert.deepEqual(layout.entries.map((e) => e.key.map((k) => k.name).join('.')), ['ab', 'b.c', 'd']);
    assert.equal(text.charAt(layout.close), '}');
    assert.equal(doc.sections[1]!.lineStart, text.indexOf('[t]'));
  });
});

describe('ensureValues', () => {
  it('adds a key to a table that only its sub-tables define, as a header above them', () => {
    const text = '# top\n\n# about a.b.c\n[a.b.c]\nx = 1\n';
    const out = ensure(text, ['a', 'b'], { k: 'v' });
    assert.equal(out, '# top\n\n[a.b]\nk = "v"\n\n# about a.b.c\n[a.b.c]\nx = 1\n');
  });

  it('adds a key beside dotted keys that define its table', () => {
    const text = '[s]\na.b.x = 1 # one\nother = 2\n';
    assert.equal(ensure(text, ['s', 'a', 'b'], { y: 2 }), '[s]\na.b.x = 1 # one\na.b.y = 2\nother = 2\n');
  });

  it('adds a top-level key after the last top-level key', () => {
    assert.equal(ensure('a = 1\n\n[t]\nb = 2\n', [], { c: true }), 'a = 1\nc = true\n\n[t]\nb = 2\n');
  });

  it('replaces only the value text, keeping its quote style and comment', () => {
    const text = "[t]\nk = 'old'   # why\n";
    assert.equal(ensure(text, ['t'], { k: 'new' }), "[t]\nk = 'new'   # why\n");
    assert.equal(ensure(text, ['t'], { k: "it's" }), '[t]\nk = "it\'s"   # why\n', 'a literal string cannot hold a quote');
  });

  it('replaces a value and adds entries in the same inline table', () => {
    const text = 'rt = { kind = "x" }\n';
    assert.equal(ensure(text, ['rt'], { kind: 'y', opts: { a: 1 } }), 'rt = { kind = "y", opts = { a = 1 } }\n');
  });

  it('escapes what it writes and quotes keys that need it', () => {
    const out = ensure('', ['t'], { 'a.b': 'line\n"quoted"\\', plain_key: 1 });
    assert.deepEqual(JSON.parse(JSON.stringify(parse(out))), { t: { 'a.b': 'line\n"quoted"\\', plain_key: 1 } });
    assert.ok(isSubsequence('', out));
  });

  it('says why it cannot edit through an array of tables or a plain value', () => {
    const arr = ensureValues('[[t]]\nx = 1\n', parse('[[t]]\nx = 1\n'), ['t', 'u'], { k: 1 }, 'f.toml');
    assert.equal(arr.kind, 'error');
    if (arr.kind === 'error') assert.match(arr.message, /^Cannot safely edit f\.toml: t is an array/);
    const value = ensureValues('t = 3\n', parse('t = 3\n'), ['t', 'u'], { k: 1 }, 'f.toml');
    assert.equal(value.kind, 'error');
    if (value.kind === 'error') assert.match(value.message, /t is a plain value/);
  });
});

describe('verifyEdit', () => {
  const old = parse('[a]\nx = 1\nempty = {}\n[b]\ny = [1, 2]\n');
  it('accepts the old values plus exactly the desired ones', () => {
    assert.equal(verifyEdit(old, '[a]\nx = 1\nempty = { z = 1 }\n[b]\ny = [1, 2]\nk = "v"\n', [], { b: { k: 'v' }, a: { empty: { z: 1 } } }), undefined);
  });
  it('refuses a lost value, a changed value, an extra value, a missing desired value', () => {
    const desired = { b: { k: 'v' } };
    assert.match(verifyEdit(old, '[a]\nempty = {}\n[b]\ny = [1, 2]\nk = "v"\n', [], desired) ?? '', /lose a\.x/);
    assert.match(verifyEdit(old, '[a]\nx = 2\nempty = {}\n[b]\ny = [1, 2]\nk = "v"\n', [], desired) ?? '', /change a\.x/);
    assert.match(verifyEdit(old, '[a]\nx = 1\nempty = {}\n[b]\ny = [1, 2]\nk = "v"\nz = 0\n', [], desired) ?? '', /unexpected b\.z/);
    assert.match(verifyEdit(old, '[a]\nx = 1\nempty = {}\n[b]\ny = [1, 2]\nk = "w"\n', [], desired) ?? '', /not set b\.k/);
    assert.match(verifyEdit(old, '[a]\nx = 1\n[a]\n', [], desired) ?? '', /not be valid TOML/);
  });
});
