// `kube-sandbox lint`: the editor's manifest checks, for CI. Findings go to stdout in the
// chosen format; skips and unreadable files go to stderr, so stdout stays parseable.
import { pathToFileURL } from 'node:url';
import { analyzeManifest, DEFAULT_ANALYSIS_OPTIONS, type AnalysisOptions } from '../core/manifest';
import { formatJsonReport } from '../core/report/jsonReport';
import { reportFindingsFromAnalysis } from '../core/report/fromAnalysis';
import { compareFindings, isFailingSeverity, type ReportFinding } from '../core/report/reportFinding';
import { formatSarifReport } from '../core/report/sarifReport';
import { formatTextReport } from '../core/report/textReport';
import { nonEmptyValues, parseCommandArgs, UsageError } from './cliArgs';
import { EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, type CliIo } from './cliIo';
import { findManifestFiles } from './manifestFiles';
import { readManifestFile } from './readManifestFile';
import { LINT_USAGE } from './usage';
import { TOOL_INFORMATION_URI, TOOL_NAME, TOOL_VERSION } from './version';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export function lintCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string', default: 'text' },
    'runtime-class': { type: 'string', multiple: true },
    'exempt-namespace': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout(LINT_USAGE);
    return EXIT_OK;
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown --format '${values.format}'; use text, json or sarif.`);
  const options: AnalysisOptions = {
    sandboxClasses: nonEmptyValues(values['runtime-class'], 'runtime-class') ?? DEFAULT_ANALYSIS_OPTIONS.sandboxClasses,
    exemptNamespaces: nonEmptyValues(values['exempt-namespace'], 'exempt-namespace') ?? DEFAULT_ANALYSIS_OPTIONS.exemptNamespaces,
  };

  const { files, problems } = findManifestFiles(positionals, io.cwd);
  const findings: ReportFinding[] = [];
  let checked = 0;
  let skipped = 0;
  for (const file of files) {
    const source = readManifestFile(file);
    if (source.kind === 'unreadable') {
      problems.push({ displayPath: file.displayPath, reason: source.reason });
    } else if (source.kind === 'skipped') {
      skipped++;
      io.stderr(`kube-sandbox: skipped ${file.displayPath}: ${source.reason}\n`);
    } else if (source.kind === 'manifest') {
      checked++;
      const analysis = analyzeManifest(source.text, options);
      if (analysis.skipped !== undefined) {
        checked--;
        skipped++;
        io.stderr(`kube-sandbox: skipped ${file.displayPath}: ${analysis.skipped}\n`);
      } else {
        findings.push(...reportFindingsFromAnalysis(file.displayPath, source.text, analysis));
      }
    }
  }
  findings.sort(compareFindings);

  io.stdout(render(format, findings, { filesChecked: checked, filesSkipped: skipped }, io.cwd));
  for (const problem of problems) io.stderr(`kube-sandbox: cannot read ${problem.displayPath}: ${problem.reason}.\n`);
  if (problems.length > 0) {
    io.stderr(`kube-sandbox: the report is incomplete: ${problems.length === 1 ? '1 path' : `${problems.length} paths`} could not be read. Check the paths and their permissions.\n`);
    return EXIT_FAILURE;
  }
  if (files.length === 0) io.stderr('kube-sandbox: no *.yaml, *.yml or *.json files found; nothing was checked.\n');
  return findings.some((finding) => isFailingSeverity(finding.severity)) ? EXIT_FINDINGS : EXIT_OK;
}

function render(format: Format, findings: readonly ReportFinding[], summary: { filesChecked: number; filesSkipped: number }, cwd: string): string {
  switch (format) {
    case 'json':
      return formatJsonReport(findings);
    case 'sarif':
      return formatSarifReport(findings, {
        toolName: TOOL_NAME,
        toolVersion: TOOL_VERSION,
        informationUri: TOOL_INFORMATION_URI,
        srcRootUri: folderUri(cwd),
      });
    case 'text':
      return formatTextReport(findings, summary);
  }
}

/** `file:` URI of a folder, with the trailing slash SARIF needs to resolve relative URIs against it. */
function folderUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : `${href}/`;
}
