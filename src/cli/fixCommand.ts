// `kube-sandbox fix`: applies the editor's "Sandbox All Workloads in File" to files on disk.
// Only files that change are written; --dry-run prints the same change as a unified diff.
import { analyzeManifest, applyEdits, DEFAULT_ANALYSIS_OPTIONS, isValidRuntimeClassName, sandboxAllEdits } from '../core/manifest';
import { unifiedDiff } from '../core/text/unifiedDiff';
import { writeFileAtomic } from './atomicWrite';
import { nonEmptyValues, parseCommandArgs, UsageError } from './cliArgs';
import { EXIT_FAILURE, EXIT_OK, type CliIo } from './cliIo';
import { describeFileError } from './fileErrors';
import { findManifestFiles } from './manifestFiles';
import { readManifestFile } from './readManifestFile';
import { FIX_USAGE } from './usage';

export function fixCommand(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(args, {
    'runtime-class': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    'exempt-namespace': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout(FIX_USAGE);
    return EXIT_OK;
  }
  const classes = nonEmptyValues(values['runtime-class'], 'runtime-class') ?? [];
  if (classes.length !== 1) {
    throw new UsageError(classes.length === 0
      ? 'fix needs --runtime-class NAME, the RuntimeClass to run workloads in (e.g. --runtime-class gvisor).'
      : 'fix takes one --runtime-class; every unsandboxed workload gets that class.');
  }
  const className = classes[0] as string;
  if (!isValidRuntimeClassName(className)) {
    throw new UsageError(`'${className}' is not a valid RuntimeClass name: use lowercase letters, digits, '-' and '.', e.g. gvisor.`);
  }
  const dryRun = values['dry-run'] === true;
  const options = {
    // The class asked for counts as sandboxed, so a second run changes nothing.
    sandboxClasses: [...DEFAULT_ANALYSIS_OPTIONS.sandboxClasses, className],
    exemptNamespaces: nonEmptyValues(values['exempt-namespace'], 'exempt-namespace') ?? DEFAULT_ANALYSIS_OPTIONS.exemptNamespaces,
  };

  const { files, problems } = findManifestFiles(positionals, io.cwd);
  let checked = 0;
  let changedFiles = 0;
  let changedWorkloads = 0;
  for (const file of files) {
    const source = readManifestFile(file);
    if (source.kind === 'unreadable') {
      problems.push({ displayPath: file.displayPath, reason: `cannot read: ${source.reason}` });
      continue;
    }
    if (source.kind === 'skipped') {
      io.stderr(`kube-sandbox: skipped ${file.displayPath}: ${source.reason}\n`);
      continue;
    }
    if (source.kind === 'ignored') continue;
    const analysis = analyzeManifest(source.text, options);
    if (analysis.skipped !== undefined) {
      io.stderr(`kube-sandbox: skipped ${file.displayPath}: ${analysis.skipped}\n`);
      continue;
    }
    checked++;
    if (analysis.syntaxProblems.length > 0) {
      const count = analysis.syntaxProblems.length;
      io.stderr(`kube-sandbox: ${file.displayPath}: ${count === 1 ? '1 document has a syntax error and was' : `${count} documents have syntax errors and were`} left as is; run 'kube-sandbox lint' to see where.\n`);
    }
    const edits = sandboxAllEdits(source.text, analysis, className);
    const fixed = applyEdits(source.text, edits);
    if (edits.length === 0 || fixed === source.text) continue;
    // Rewriting a file that is not valid UTF-8 would change bytes no edit touched.
    if (!Buffer.from(source.text, 'utf8').equals(source.bytes)) {
      problems.push({ displayPath: file.displayPath, reason: 'not valid UTF-8; left unchanged' });
      continue;
    }
    const workloads = `${edits.length} workload${edits.length === 1 ? '' : 's'}`;
    if (dryRun) {
      io.stdout(unifiedDiff(source.text, fixed, { oldLabel: `a/${file.displayPath}`, newLabel: `b/${file.displayPath}` }));
    } else {
      try {
        writeFileAtomic(file.path, fixed);
      } catch (error) {
        problems.push({ displayPath: file.displayPath, reason: `cannot write: ${describeFileError(error)}; left unchanged` });
        continue;
      }
      io.stdout(`${file.displayPath}: sandboxed ${workloads}\n`);
    }
    changedFiles++;
    changedWorkloads += edits.length;
  }

  const summary = summarize(dryRun, className, checked, changedFiles, changedWorkloads);
  if (dryRun) io.stderr(summary);
  else io.stdout(summary);
  for (const problem of problems) io.stderr(`kube-sandbox: ${problem.displayPath}: ${problem.reason}.\n`);
  if (problems.length > 0) {
    io.stderr(`kube-sandbox: ${problems.length === 1 ? '1 path was' : `${problems.length} paths were`} not fixed. Check the paths and their permissions, then run fix again.\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

function summarize(dryRun: boolean, className: string, checked: number, files: number, workloads: number): string {
  const checkedText = `${checked} manifest${checked === 1 ? '' : 's'} checked`;
  if (workloads === 0) return `No unsandboxed workloads found (${checkedText}).\n`;
  const what = `${workloads} workload${workloads === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
  return dryRun
    ? `Would sandbox ${what} with runtimeClassName: ${className} (${checkedText}); nothing was written.\n`
    : `Sandboxed ${what} with runtimeClassName: ${className} (${checkedText}).\n`;
}
