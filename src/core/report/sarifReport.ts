// `lint --format sarif`: SARIF 2.1.0 in the subset GitHub code scanning reads
// (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning):
// every property it marks required is always present and never an empty string.
import type { Severity } from '../manifest';
import type { ReportFinding } from './reportFinding';
import { RULES, ruleDescription, type RuleDescription } from './ruleCatalog';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  readonly toolName: string;
  readonly toolVersion: string;
  readonly informationUri: string;
  /** Absolute `file:` URI of the folder `file` paths are relative to, ending in `/`; omitted when unknown. */
  readonly srcRootUri?: string;
}

type SarifLevel = 'error' | 'warning' | 'note';

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', information: 'note' };
const PROBLEM_SEVERITIES: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'recommendation' };

export function formatSarifReport(findings: readonly ReportFinding[], options: SarifOptions): string {
  return JSON.stringify(buildSarifLog(findings, options), null, 2) + '\n';
}

export function buildSarifLog(findings: readonly ReportFinding[], options: SarifOptions): Record<string, unknown> {
  // Every known rule is listed, so rule indices stay the same from run to run; codes this build
  // does not describe (a newer core) are appended.
  const rules: RuleDescription[] = [...RULES];
  for (const finding of findings) {
    if (!rules.some((rule) => rule.id === finding.code)) rules.push(ruleDescription(finding.code));
  }
  const occurrences = new Map<string, number>();
  const results = findings.map((finding) => {
    const identity = [finding.code, finding.file, finding.kind ?? '', finding.namespace ?? '', finding.name ?? ''].join('\u0000');
    const occurrence = (occurrences.get(identity) ?? 0) + 1;
    occurrences.set(identity, occurrence);
    return {
      ruleId: finding.code,
      ruleIndex: rules.findIndex((rule) => rule.id === finding.code),
      level: LEVELS[finding.severity],
      message: { text: finding.message },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: toRelativeUri(finding.file), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: finding.endColumn,
          },
        },
      }],
      // GitHub matches alerts across runs by this key alone. It names the workload rather than
      // hashing the line's text, so an alert follows its workload when lines above it move.
      partialFingerprints: { primaryLocationLineHash: `${fnv1a64(identity)}:${occurrence}` },
    };
  });
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: options.toolName,
        version: options.toolVersion,
        semanticVersion: options.toolVersion,
        informationUri: options.informationUri,
        rules: rules.map(reportingDescriptor),
      },
    },
    columnKind: 'utf16CodeUnits',
    results,
  };
  if (options.srcRootUri !== undefined) {
    run.originalUriBaseIds = { '%SRCROOT%': { uri: options.srcRootUri } };
  }
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

function reportingDescriptor(rule: RuleDescription): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.shortDescription },
    fullDescription: { text: rule.fullDescription },
    help: { text: rule.help.replace(/`/g, ''), markdown: rule.help },
    defaultConfiguration: { level: LEVELS[rule.defaultSeverity] },
    properties: {
      tags: [...rule.tags],
      precision: 'high',
      'problem.severity': PROBLEM_SEVERITIES[rule.defaultSeverity],
    },
  };
}

/** A relative path as a URI reference: each segment percent-encoded, `/` kept. */
export function toRelativeUri(file: string): string {
  return file.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/** FNV-1a, 64 bits, of the UTF-8 bytes: a stable, platform-free fingerprint (not for security). */
export function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
