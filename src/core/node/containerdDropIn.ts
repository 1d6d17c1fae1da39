// The other way to add runsc: a drop-in file that the main config pulls in through `imports`.
//
// Why this is only safe on containerd 2.0 and later: containerd 1.x merges imported files
// plugin by plugin and *replaces* a whole plugin section with the imported one (its
// mergeConfig: "Replace entire sections instead of merging map's values", in
// services/server/config/config.go). A drop-in that only says
// [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc] therefore wipes the main
// file's CRI settings (sandbox_image, runc's SystemdCgroup, registry mirrors, ...): see
// containerd/containerd#5837 and #7982. containerd 2.0 deep-merges plugin sections
// (containerd/containerd#9982, cmd/containerd/server/config/config.go), and refuses a drop-in
// whose version is higher than the main file's, so the drop-in copies the main file's version.
// A glob in `imports` is resolved relative to the main file's folder on 2.x; 1.x matched a
// relative glob against containerd's working directory.

import { posix } from 'node:path';
import { containerdMajor, DEFAULT_RUNSC_CONFIG_PATH, inspectContainerdConfig, RUNSC_OPTIONS_TYPE_URL, RUNSC_RUNTIME_TYPE } from './containerdConfig';
import { parseToml, type ConfigEditResult } from './configEdit';
import { applyEdits, type TextEdit } from './tomlEdit';
import { scanDocument } from './tomlScan';
import { flattenLeaves, formatPath, formatString } from './tomlTree';

export const DEFAULT_DROP_IN_PATH = '/etc/containerd/conf.d/99-kube-sandbox-runsc.toml';

export interface DropInOptions {
  /** Where the main config lives on the node (relative imports are resolved against its folder). */
  readonly mainConfigPath?: string;
  /** Where the drop-in would be written. */
  readonly dropInPath?: string;
  readonly runtimeName?: string;
  readonly configPath?: string;
  /** containerd's version on the node, when known. */
  readonly containerdVersion?: string;
}

export type DropInPlan =
  | {
      readonly kind: 'ok';
      readonly path: string;
      readonly content: string;
      /** The `imports` entry that already covers the drop-in's path, if any. */
      readonly coveredBy?: string;
      /** true: this containerd merges drop-ins safely; false: it would clobber; undefined: version unknown. */
      readonly mergeSafe: boolean | undefined;
      /** Plain sentences for the plan: whether a drop-in is a good idea here, and why. */
      readonly notes: readonly string[];
    }
  | { readonly kind: 'error'; readonly message: string };

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Go's filepath.Match on '/'-separated paths: `*`, `?`, `[...]` (with `^` and ranges), `\` escapes. */
export function globMatch(pattern: string, path: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern.charAt(++i));
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) return false; // Go reports ErrBadPattern; containerd then fails to start
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body}]`;
      i = close;
    } else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`).test(path);
}

/** The import entry of the main config (resolved against its folder) that loads `dropInPath`. */
export function importCovering(imports: readonly string[], mainConfigPath: string, dropInPath: string): string | undefined {
  const target = posix.normalize(dropInPath);
  return imports.find((entry) => {
    const resolved = posix.isAbsolute(entry) ? posix.normalize(entry) : posix.join(posix.dirname(mainConfigPath), entry);
    return /[*?[]/.test(resolved) ? globMatch(resolved, target) : resolved === target;
  });
}

/** Builds the drop-in and says whether the main config imports it and whether that is safe here. */
export function planContainerdDropIn(mainText: string, options: DropInOptions = {}): DropInPlan {
  const mainPath = options.mainConfigPath ?? '/etc/containerd/config.toml';
  const path = options.dropInPath ?? DEFAULT_DROP_IN_PATH;
  const inspected = inspectContainerdConfig(mainText, mainPath);
  if (inspected.kind === 'error') return inspected;
  const { info } = inspected;
  const name = options.runtimeName ?? 'runsc';
  const runtimeKey = formatPath([...info.runtimesPath, name]);
  const content = [
    '# Written by Kube Sandbox: the gVisor runtime for containerd, loaded through `imports`.',
    ...(info.versionDeclared ? [`version = ${info.version}`, ''] : []),
    `[${runtimeKey}]`,
    `  runtime_type = ${formatString(RUNSC_RUNTIME_TYPE)}`,
    '',
    `[${runtimeKey}.options]`,
    `  TypeUrl = ${formatString(RUNSC_OPTIONS_TYPE_URL)}`,
    `  ConfigPath = ${formatString(options.configPath ?? DEFAULT_RUNSC_CONFIG_PATH)}`,
    '',
  ].join('\n');
  const coveredBy = importCovering(info.imports, mainPath, path);
  const major = containerdMajor(options.containerdVersion);
  const mergeSafe = major === undefined ? undefined : major >= 2;
  const notes: string[] = [];
  if (mergeSafe === false) {
    notes.push(`containerd ${options.containerdVersion ?? ''} replaces a whole plugin section with the imported one, so this drop-in would erase the CRI settings of ${mainPath}. Edit ${mainPath} itself instead.`);
  } else if (mergeSafe === undefined) {
    notes.push(`containerd's version is unknown: drop-ins are merged safely only by containerd 2.0 and later (1.x replaces whole plugin sections). Check the version before choosing a drop-in.`);
  }
  if (coveredBy) notes.push(`${mainPath} already imports ${path} (through ${JSON.stringify(coveredBy)}).`);
  else notes.push(`${mainPath} does not import ${path}: its imports would need an entry for it (${info.imports.length > 0 ? `now ${JSON.stringify(info.imports)}` : 'it has none'}).`);
  return { kind: 'ok', path, content, ...(coveredBy !== undefined ? { coveredBy } : {}), mergeSafe, notes };
}

/** Adds `entry` to the main config's top-level `imports`, editing the text minimally: into the
 * existing array, or as a new `imports` line after `version` (top-level keys must come before
 * the first table). The result is parsed again and must differ from the original only there. */
export function addImport(text: string, entry: string, fileLabel: string): ConfigEditResult {
  const parsed = parseToml(text, fileLabel);
  if (parsed.kind === 'error') return parsed;
  const old = parsed.value['imports'];
  if (old !== undefined && (!Array.isArray(old) || old.some((v) => typeof v !== 'string'))) {
    return { kind: 'error', message: `${fileLabel} has an imports value that is not a list of paths; fix it by hand, then run again.` };
  }
  const before = (old ?? []) as string[];
  if (before.includes(entry)) return { kind: 'unchanged', summary: [`${fileLabel} already imports ${entry}.`] };
  const doc = scanDocument(text);
  const eol = doc.eol;
  const root = doc.sections.find((s) => s.isRoot);
  const existing = root?.keyValues.find((kv) => kv.path.length === 1 && kv.path[0] === 'imports');
  const quoted = formatString(entry);
  let edits: TextEdit[];
  if (existing) {
    if (existing.value.kind !== 'array') return { kind: 'error', message: `Cannot safely edit the imports line of ${fileLabel}; add ${quoted} to it by hand.` };
    const open = existing.value.start + 1;
    const inner = text.slice(open, existing.value.end - 1);
    // The last line of the list that holds an element (comments and blank lines skipped).
    const lines = inner.split('\n');
    let i = lines.length - 1;
    while (i >= 0 && (lines[i] ?? '').replace(/#.*$/, '').trim() === '') i--;
    if (i < 0) edits = [{ start: existing.value.start, end: existing.value.end, newText: `[${quoted}]` }];
    else {
      const line = lines[i] ?? '';
      const lineStart = open + lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
      const content = line.replace(/#.*$/, '').trimEnd();
      const afterLast = lineStart + content.length;
      if (i === lines.length - 1) {
        // The closing bracket is on this line: add the entry inline.
        edits = [{ start: afterLast, end: afterLast, newText: content.endsWith(',') ? ` ${quoted}` : `, ${quoted}` }];
      } else {
        // A list over several lines: the entry on a new line after the last, in its indent.
        const lineEnd = lineStart + line.length + 1;
        const indent = /^[ \t]*/.exec(line)?.[0] ?? '  ';
        edits = [
          ...(content.endsWith(',') ? [] : [{ start: afterLast, end: afterLast, newText: ',' }]),
          { start: lineEnd, end: lineEnd, newText: `${indent}${quoted},${eol}` },
        ];
      }
    }
  } else {
    const version = root?.keyValues.find((kv) => kv.path.length === 1 && kv.path[0] === 'version');
    const at = version ? version.lineEnd : 0;
    const needsEol = version !== undefined && at === text.length && !text.endsWith('\n');
    edits = [{ start: at, end: at, newText: `${needsEol ? eol : ''}imports = [${quoted}]${eol}` }];
  }
  return checkImports(text, parsed.value, edits, before, entry, fileLabel);
}

function checkImports(
  text: string, oldValue: Record<string, unknown>, edits: readonly TextEdit[], before: readonly string[], entry: string, fileLabel: string,
): ConfigEditResult {
  const newText = applyEdits(text, edits);
  const newParsed = parseToml(newText, fileLabel);
  const refuse = (why: string): ConfigEditResult => ({
    kind: 'error', message: `Kube Sandbox refused its own edit of ${fileLabel}'s imports: ${why}. Nothing was changed; add "${entry}" to imports by hand.`,
  });
  if (newParsed.kind === 'error') return refuse('the edited text would not be valid TOML');
  const a = flattenLeaves({ ...oldValue, imports: [] });
  const b = flattenLeaves({ ...newParsed.value, imports: [] });
  if (a.size !== b.size || [...a].some(([k, v]) => b.get(k) !== v)) return refuse('another value would change');
  const got = newParsed.value['imports'];
  if (JSON.stringify(got) !== JSON.stringify([...before, entry])) return refuse('the list would not be the old one plus the new entry');
  return { kind: 'changed', text: newText, edits, summary: [`Add "${entry}" to the imports of ${fileLabel}, so containerd loads the drop-in.`], changes: [] };
}
