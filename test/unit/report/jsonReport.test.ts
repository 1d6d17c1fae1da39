import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJsonReport } from '../../../src/core/report/jsonReport';
import { HOST_PATH, SYNTAX, UNSANDBOXED } from './reportSamples';

const FIELDS = ['file', 'line', 'column', 'endLine', 'endColumn', 'code', 'severity', 'message', 'kind', 'name', 'namespace'];

void test('json report: one array of records with exactly the documented fields, in order', () => {
  const parsed = JSON.parse(formatJsonReport([UNSANDBOXED, HOST_PATH, SYNTAX])) as Record<string, unknown>[];
  assert.equal(parsed.length, 3);
  for (const record of parsed) assert.deepEqual(Object.keys(record), FIELDS);
  assert.deepEqual(parsed[0], { ...UNSANDBOXED });
  assert.deepEqual(parsed[2], { ...SYNTAX });
  assert.equal(parsed[1]?.namespace, null, 'absent values are null, not missing');
});

void test('json report: extra properties on a record never leak into the output', () => {
  const parsed = JSON.parse(formatJsonReport([{ ...UNSANDBOXED, secret: 'x' } as typeof UNSANDBOXED])) as object[];
  assert.deepEqual(Object.keys(parsed[0] ?? {}), FIELDS);
});

void test('json report: no findings is an empty array', () => {
  assert.equal(formatJsonReport([]), '[]\n');
});
