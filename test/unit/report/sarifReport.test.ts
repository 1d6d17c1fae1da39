// Checks the SARIF log field by field against what GitHub code scanning requires
// (docs.github.com: "SARIF support for code scanning", supported properties).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSarifLog, fnv1a64, formatSarifReport, toRelativeUri, type SarifOptions } from '../../../src/core/report/sarifReport';
import { RULES } from '../../../src/core/report/ruleCatalog';
import { HOST_PATH, SYNTAX, UNSANDBOXED } from './reportSamples';

const OPTIONS: SarifOptions = {
  toolName: 'kube-sandbox',
  toolVersion: '0.1.0',
  informationUri: 'https://example.test/kube-sandbox',
  srcRootUri: 'file:///work/repo/',
};

// The shape the assertions below read; every value is still checked at run time.
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: unknown[]; precision: string; 'problem.severity': string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
  partialFingerprints: { primaryLocationLineHash: string };
}
interface SarifRun {
  tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
  columnKind: string;
  originalUriBaseIds?: Record<string, { uri: string }>;
  results: SarifResult[];
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: SarifRun[];
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function assertNoEmptyStrings(value: unknown, where = '$'): void {
  if (typeof value === 'string') assert.notEqual(value, '', `${where} is an empty string (GitHub rejects those)`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertNoEmptyStrings(item, `${where}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) assertNoEmptyStrings(item, `${where}.${key}`);
  }
}

void test('sarif: sarifLog has $schema, version 2.1.0 and one run', () => {
  const log = parse(formatSarifReport([UNSANDBOXED], OPTIONS));
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.version, '2.1.0');
  assert.ok(Array.isArray(log.runs));
  assert.equal(log.runs.length, 1);
  assertNoEmptyStrings(log);
});

void test('sarif: tool.driver names the tool, its version, home page and every rule', () => {
  const driver = parse(formatSarifReport([], OPTIONS)).runs[0]!.tool.driver;
  assert.equal(driver.name, 'kube-sandbox');
  assert.equal(driver.version, '0.1.0');
  assert.match(driver.semanticVersion, /^\d+\.\d+\.\d+(?:[-+].*)?$/);
  assert.equal(driver.informationUri, 'https://example.test/kube-sandbox');
  assert.deepEqual(
    driver.rules.map((rule) => rule.id),
    ['unsandboxed-workload', 'sandbox-host-namespace', 'sandbox-privileged', 'sandbox-host-path', 'syntax-error'],
  );
  for (const rule of driver.rules) {
    assert.ok(isNonEmptyString(rule.id));
    assert.ok(isNonEmptyString(rule.name) && rule.name.length <= 255, `${rule.id}: name`);
    assert.ok(isNonEmptyString(rule.shortDescription.text) && rule.shortDescription.text.length <= 1024, `${rule.id}: shortDescription.text`);
    assert.ok(isNonEmptyString(rule.fullDescription.text) && rule.fullDescription.text.length <= 1024, `${rule.id}: fullDescription.text`);
    assert.ok(isNonEmptyString(rule.help.text), `${rule.id}: help.text`);
    assert.ok(!rule.help.text.includes('`'), `${rule.id}: help.text is plain text`);
    assert.ok(isNonEmptyString(rule.help.markdown), `${rule.id}: help.markdown`);
    assert.ok(['note', 'warning', 'error'].includes(rule.defaultConfiguration.level), `${rule.id}: defaultConfiguration.level`);
    assert.ok(rule.properties.tags.every(isNonEmptyString), `${rule.id}: properties.tags`);
    assert.ok(['very-high', 'high', 'medium', 'low'].includes(rule.properties.precision), `${rule.id}: properties.precision`);
    assert.ok(['error', 'warning', 'recommendation'].includes(rule.properties['problem.severity']), `${rule.id}: problem.severity`);
  }
  const levels = Object.fromEntries(driver.rules.map((rule) => [rule.id, rule.defaultConfiguration.level]));
  assert.deepEqual(levels, {
    'unsandboxed-workload': 'warning', 'sandbox-host-namespace': 'warning', 'sandbox-privileged': 'warning',
    'sandbox-host-path': 'note', 'syntax-error': 'error',
  });
});

void test('sarif: each result has ruleId, a matching ruleIndex, level, message, one location and a fingerprint', () => {
  const run = parse(formatSarifReport([UNSANDBOXED, HOST_PATH, SYNTAX], OPTIONS)).runs[0]!;
  const rules = run.tool.driver.rules;
  assert.equal(run.results.length, 3);
  const expectedLevels = ['warning', 'note', 'error'];
  run.results.forEach((result, i) => {
    const finding = [UNSANDBOXED, HOST_PATH, SYNTAX][i]!;
    assert.equal(result.ruleId, finding.code);
    assert.ok(Number.isInteger(result.ruleIndex) && result.ruleIndex >= 0);
    assert.equal(rules[result.ruleIndex]!.id, result.ruleId, 'ruleIndex points at the rule with the same id');
    assert.equal(result.level, expectedLevels[i]);
    assert.equal(result.message.text, finding.message);
    assert.ok(result.locations.length >= 1 && result.locations.length <= 10);
    const physical = result.locations[0]!.physicalLocation;
    assert.ok(isNonEmptyString(physical.artifactLocation.uri));
    assert.doesNotMatch(physical.artifactLocation.uri, /^[a-z]+:|^\//i, 'uri is relative to the repository root');
    assert.equal(physical.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.deepEqual(physical.region, {
      startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn,
    });
    assert.match(result.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{16}:\d+$/);
  });
});

void test('sarif: relative uris are percent-encoded and resolve against %SRCROOT%', () => {
  const run = parse(formatSarifReport([SYNTAX], OPTIONS)).runs[0]!;
  const uri = run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
  assert.equal(uri, 'broken%20dir/bad%231.yaml');
  assert.equal(run.originalUriBaseIds?.['%SRCROOT%']?.uri, 'file:///work/repo/');
  assert.equal(new URL(uri, 'file:///work/repo/').pathname, '/work/repo/broken%20dir/bad%231.yaml');
  assert.equal(toRelativeUri('../up/a b.yaml'), '../up/a%20b.yaml');
  assert.equal(run.columnKind, 'utf16CodeUnits');
});

void test('sarif: without a source root, originalUriBaseIds is left out', () => {
  const log = buildSarifLog([UNSANDBOXED], { ...OPTIONS, srcRootUri: undefined }) as unknown as SarifLog;
  assert.equal(log.runs[0]!.originalUriBaseIds, undefined);
});

void test('sarif: fingerprints follow the workload, not its line, and stay distinct within a workload', () => {
  const fingerprint = (findings: typeof UNSANDBOXED[]) =>
    parse(formatSarifReport(findings, OPTIONS)).runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
  const [before] = fingerprint([UNSANDBOXED]);
  const [moved] = fingerprint([{ ...UNSANDBOXED, line: 40, endLine: 40 }]);
  assert.equal(moved, before, 'the same workload keeps its alert when lines above it change');
  const [renamed] = fingerprint([{ ...UNSANDBOXED, name: 'api' }]);
  assert.notEqual(renamed, before);
  const twice = fingerprint([UNSANDBOXED, { ...UNSANDBOXED, line: 9 }]);
  assert.equal(new Set(twice).size, 2, 'two findings of one rule on one workload are two alerts');
  assert.equal(fingerprint([UNSANDBOXED])[0], before, 'deterministic');
});

void test('sarif: a code without a description still gets a rule', () => {
  const run = parse(formatSarifReport([{ ...UNSANDBOXED, code: 'future-rule' }], OPTIONS)).runs[0]!;
  const rule = run.tool.driver.rules[run.results[0]!.ruleIndex]!;
  assert.equal(rule.id, 'future-rule');
  assert.equal(rule.name, 'FutureRule');
  assert.equal(run.tool.driver.rules.length, RULES.length + 1);
});

void test('sarif: no findings is a valid log with an empty results array', () => {
  const log = parse(formatSarifReport([], OPTIONS));
  assert.deepEqual(log.runs[0]!.results, []);
});

void test('fnv1a64 matches the published FNV-1a 64 test vectors', () => {
  assert.equal(fnv1a64(''), 'cbf29ce484222325');
  assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64('foobar'), '85944171f73967e8');
});
