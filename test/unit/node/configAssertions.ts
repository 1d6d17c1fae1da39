// Assertions shared by the config-edit tests. They re-implement the "nothing was lost" check
// on their own (smol-toml + a plain walk) rather than calling the code under test's verifier.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { addRunscRuntime, inspectContainerdConfig, type RunscRuntimeOptions } from '../../../src/core/node/containerdConfig';

/** The repository root, from out/test/unit/node/ (compiled) or test/unit/node/ (source). */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../../..' : '../../..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'containerd');
/** The shared corpus of real configs; absent in a user's checkout. */
export const corpusDir = process.env['KUBE_SANDBOX_CORPUS_DIR'] ?? path.resolve(repoRoot, '..', 'shared', 'corpus', 'containerd');

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(path.join(fixturesDir, ...parts), 'utf8');
}

/**
 * Compares `actual` with a golden file; UPDATE_GOLDEN=1 writes the file instead, so a
 * deliberate change of output is one command and a reviewable diff.
 */
export function assertGolden(actual: string, ...parts: string[]): void {
  const file = path.join(fixturesDir, ...parts);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${file} is missing: run the tests once with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `output differs from ${file}`);
}

export function isSubsequence(small: string, big: string): boolean {
  let i = 0;
  for (let j = 0; j < big.length && i < small.length; j++) if (small[i] === big[j]) i++;
  return i === small.length;
}

type Leaf = { path: string[]; value: string };

function leaves(node: unknown, prefix: string[] = [], out: Leaf[] = []): Leaf[] {
  if (typeof node === 'object' && node !== null && !Array.isArray(node) && !(node instanceof Date)) {
    const keys = Object.keys(node);
    if (keys.length === 0) out.push({ path: prefix, value: '{}' });
    for (const k of keys) leaves((node as Record<string, unknown>)[k], [...prefix, k], out);
  } else {
    out.push({ path: prefix, value: JSON.stringify(node instanceof Date ? node.toISOString() : node) });
  }
  return out;
}

const under = (p: readonly string[], prefix: readonly string[]): boolean => prefix.every((seg, i) => p[i] === seg);

/**
 * Every leaf of `before` is in `after` with the same value, except under `mayChange`;
 * every leaf new in `after` lies under one of `mayAdd`. Empty tables may gain children.
 */
export function assertOnlyAdditions(before: string, after: string, mayAdd: readonly (readonly string[])[], mayChange: readonly (readonly string[])[] = []): void {
  const old = leaves(parse(before));
  const neu = leaves(parse(after));
  const neuByKey = new Map(neu.map((l) => [JSON.stringify(l.path), l.value]));
  for (const leaf of old) {
    const key = JSON.stringify(leaf.path);
    if (mayChange.some((p) => under(leaf.path, p))) continue;
    if (leaf.value === '{}' && neu.some((l) => under(l.path, leaf.path))) continue;
    assert.equal(neuByKey.get(key), leaf.value, `value at ${leaf.path.join('.')} was lost or changed`);
  }
  const oldKeys = new Set(old.map((l) => JSON.stringify(l.path)));
  for (const leaf of neu) {
    if (oldKeys.has(JSON.stringify(leaf.path))) continue;
    assert.ok(mayAdd.some((p) => under(leaf.path, p)), `unexpected new value at ${leaf.path.join('.')}`);
  }
}

/** Applies edits back to front, as an editor would. */
export function applyTextEdits(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Checks every changed result against the promises the edit makes. */
export function checkChangedResult(original: string, options: RunscRuntimeOptions, updates: boolean): string {
  const result = addRunscRuntime(original, options);
  assert.equal(result.kind, 'changed', result.kind === 'error' ? result.message : 'expected a change');
  if (result.kind !== 'changed') throw new Error('unreachable');
  assert.equal(applyTextEdits(original, result.edits), result.text, 'the edits reproduce the text');
  if (!updates) {
    assert.ok(result.edits.every((e) => e.start === e.end), 'only insertions');
    assert.ok(isSubsequence(original, result.text), 'every byte of the original is still there, in order');
  }
  const info = inspectContainerdConfig(result.text);
  assert.equal(info.kind, 'ok');
  if (info.kind !== 'ok') throw new Error('unreachable');
  const name = options.runtimeName ?? 'runsc';
  const runtimes = [...info.info.runtimesPath];
  // Besides the runtime itself: the default runc entry when the file had none, and a
  // version line when the file had no settings at all.
  const before = inspectContainerdConfig(original);
  const hadRunc = before.kind === 'ok' && before.info.runtimes.some((r) => r.name === 'runc');
  const wasEmpty = before.kind === 'ok' && before.info.empty;
  const mayAdd = [[...runtimes, name], ...(hadRunc ? [] : [[...runtimes, 'runc']]), ...(wasEmpty ? [['version']] : [])];
  assertOnlyAdditions(original, result.text, mayAdd, updates ? [[...runtimes, name]] : []);
  const runsc = info.info.runtimes.find((r) => r.name === name);
  assert.equal(runsc?.runtimeType, 'io.containerd.runsc.v1');
  const again = addRunscRuntime(result.text, options);
  assert.equal(again.kind, 'unchanged', again.kind === 'error' ? again.message : 'a second run changes nothing');
  assert.ok(result.summary.length > 0);
  return result.text;
}
