// Minimal text edits: each fix inserts or replaces the few characters it needs, in the file's
// own style (indentation, line endings, block or flow, JSON quoting). Every other byte stays.
import { isValidRuntimeClassName } from './sandboxClasses';
import { EXEMPTION_ANNOTATION, type ManifestAnalysis, type MappingAnchor, type TextEdit, type TextRange, type Workload } from './types';

type Eol = '\n' | '\r\n';

/** Sets `runtimeClassName: <className>` in the workload's pod spec. */
export function runtimeClassEdit(text: string, workload: Workload, className: string, eol: Eol): TextEdit {
  if (!isValidRuntimeClassName(className)) {
    throw new Error(`"${className}" is not a valid RuntimeClass name: use lower-case letters, digits, '-' and '.', as in "gvisor".`);
  }
  const json = workload.podSpec.quotedKeys;
  const existing = workload.runtimeClassValue;
  if (existing !== undefined) {
    const quote = text[existing.start];
    const value = quote === '"' || quote === "'" ? `${quote}${className}${quote}` : scalar(className, json);
    return existing.start === existing.end ? insert(existing.start, ` ${value}`) : { ...existing, newText: value };
  }
  return insertEntry(text, workload.podSpec, eol, {
    block: () => `runtimeClassName: ${scalar(className, false)}`,
    flow: () => `${key('runtimeClassName', json)}: ${scalar(className, json)}`,
  });
}

/** Adds the exemption annotation with the given reason to the workload's own metadata. */
export function exemptionEdit(text: string, workload: Workload, reason: string, eol: Eol): TextEdit {
  const why = reason.trim();
  if (why === '') throw new Error('An exemption needs a reason, so that reviewers know why this workload may share the node kernel.');
  // JSON string syntax is valid YAML double-quoted syntax, escapes included.
  const value = JSON.stringify(why);
  const json = workload.resource.quotedKeys;
  const annotation = `${key(EXEMPTION_ANNOTATION, json)}: ${value}`;
  const step = indentStep(workload);
  if (workload.annotations) {
    return insertEntry(text, workload.annotations, eol, { block: () => annotation, flow: () => annotation });
  }
  if (workload.annotationsNull && workload.metadata) {
    return fillNull(text, workload.annotationsNull, workload.metadata.indent + step, eol, [annotation], `{${annotation}}`);
  }
  const annotations = `${key('annotations', json)}: {${annotation}}`;
  if (workload.metadata) {
    return insertEntry(text, workload.metadata, eol, {
      block: (indent) => `annotations:${eol}${pad(indent + step)}${annotation}`,
      flow: () => annotations,
    });
  }
  if (workload.metadataNull) {
    const childIndent = workload.resource.indent + step;
    return fillNull(text, workload.metadataNull, childIndent, eol, ['annotations:', `${pad(step)}${annotation}`], `{${annotations}}`);
  }
  return insertEntry(text, workload.resource, eol, {
    block: (indent) => `metadata:${eol}${pad(indent + step)}annotations:${eol}${pad(indent + 2 * step)}${annotation}`,
    flow: () => `${key('metadata', json)}: {${annotations}}`,
  });
}

/** One `runtimeClassName` edit per unsandboxed (and not exempt) workload, in file order. */
export function sandboxAllEdits(text: string, analysis: ManifestAnalysis, className: string): TextEdit[] {
  return analysis.workloads
    .filter((workload) => workload.sandbox.kind === 'unsandboxed')
    .map((workload) => runtimeClassEdit(text, workload, className, analysis.eol))
    .sort((a, b) => a.start - b.start);
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let result = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error('Edits overlap.');
    result += text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return result + text.slice(at);
}

// --- inserting one entry into a mapping ------------------------------------------------------

interface EntryText {
  /** The entry for a block mapping whose keys sit at `indent`; lines after the first carry their own indentation. */
  block(indent: number): string;
  flow(): string;
}

function insertEntry(text: string, map: MappingAnchor, eol: Eol, entry: EntryText): TextEdit {
  return map.style === 'flow' ? insertFlowEntry(text, map, eol, entry.flow()) : insertBlockEntry(text, map, eol, entry.block(map.indent));
}

function insertBlockEntry(text: string, map: MappingAnchor, eol: Eol, entry: string): TextEdit {
  const line = `${pad(map.indent)}${entry}`;
  if (map.firstKey !== undefined) {
    const lineStart = lineStartOf(text, map.firstKey);
    if (isBlank(text, lineStart, map.firstKey)) {
      // New first key, above any comment lines that introduce the current first key.
      return insert(aboveLeadingComments(text, lineStart, map.indent), line + eol);
    }
  }
  // The mapping starts after `- ` on its line: add the entry as its last key instead.
  const end = map.contentEnd;
  return text[end - 1] === '\n' ? insert(end, line + eol) : insert(end, eol + line);
}

function insertFlowEntry(text: string, map: MappingAnchor, eol: Eol, entry: string): TextEdit {
  const open = map.range.start + 1;
  if (map.firstKey === undefined) return insert(open, entry);
  const lineStart = lineStartOf(text, map.firstKey);
  if (lineStart > map.range.start && isBlank(text, lineStart, map.firstKey)) {
    return insert(lineStart, `${text.slice(lineStart, map.firstKey)}${entry},${eol}`);
  }
  return insert(map.firstKey, `${entry}, `);
}

/** Gives a null value (`key:` or `key: null`) a mapping with the given entries. */
function fillNull(text: string, range: TextRange, childIndent: number, eol: Eol, blockLines: string[], flow: string): TextEdit {
  if (range.start !== range.end) return { ...range, newText: flow };
  return insert(range.start, blockLines.map((line) => `${eol}${pad(childIndent)}${line}`).join(''));
}

// --- small text helpers ----------------------------------------------------------------------

function insert(offset: number, newText: string): TextEdit {
  return { start: offset, end: offset, newText };
}

function pad(width: number): string {
  return ' '.repeat(Math.max(0, width));
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text[i] !== ' ') return false;
  return true;
}

/** Moves up over comment lines at exactly `indent`: they describe the key below them. */
function aboveLeadingComments(text: string, lineStart: number, indent: number): number {
  let at = lineStart;
  while (at > 0) {
    const previous = lineStartOf(text, at - 1);
    const line = text.slice(previous, at);
    if (!line.startsWith(`${pad(indent)}#`)) break;
    at = previous;
  }
  return at;
}

/** The file's indentation step, read from how far `metadata`'s keys sit inside the resource. */
function indentStep(workload: Workload): number {
  const step = workload.metadata ? workload.metadata.indent - workload.resource.indent : 0;
  return workload.metadata?.style === 'block' && step > 0 ? step : 2;
}

const YAML_KEYWORDS = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

/** A value as a scalar: plain where YAML reads it back as the same string, else quoted. */
function scalar(value: string, json: boolean): string {
  if (json || !/^[a-z][a-z0-9.-]*$/.test(value) || YAML_KEYWORDS.test(value)) return JSON.stringify(value);
  return value;
}

function key(name: string, json: boolean): string {
  return json ? JSON.stringify(name) : name;
}
