// Manifest analysis: split into documents, parse each (fast path, else the full parser), find
// workloads, run the rules. ManifestAnalyzer caches per document text, so re-analysis after an
// edit parses only the documents that changed.
import { hasDirectives, isBlankChunk, splitDocuments } from './documents';
import { parseFast } from './fastYamlParser';
import { parseFull, parseFullStream } from './fullYamlParser';
import { parseLines } from './lineParser';
import { RULES } from './rules';
import { sandboxStateOf } from './sandboxState';
import type { AnalysisOptions, Finding, ManifestAnalysis, MappingAnchor, SyntaxProblem, TextRange, Workload } from './types';
import { findWorkloads, type DocWorkload } from './workloads';
import { findPair, isNullNode, type YDocument, type YMap, type YNode } from './yamlNodes';

/** One document's results, offsets relative to the document chunk. */
interface DocumentResult {
  readonly workloads: readonly Workload[];
  readonly findings: readonly Finding[]; // workloadIndex is local to the document
  readonly problems: readonly Omit<SyntaxProblem, 'documentIndex'>[];
}

const EMPTY: DocumentResult = { workloads: [], findings: [], problems: [] };

export function analyzeManifest(text: string, options: AnalysisOptions): ManifestAnalysis {
  return new ManifestAnalyzer().analyze(text, options);
}

/** A document's results where it last sat in the file, reused while it stays there. */
interface Placed {
  readonly base: number;
  readonly documentIndex: number;
  readonly firstWorkload: number;
  readonly workloads: readonly Workload[];
  readonly findings: readonly Finding[];
  readonly problems: readonly SyntaxProblem[];
}

interface CacheEntry {
  readonly result: DocumentResult;
  placed?: Placed;
}

/** A document chunk of the last analysed text, with its results (none for a blank chunk). */
interface KnownChunk {
  readonly offset: number;
  readonly text: string;
  readonly entry: CacheEntry | undefined;
}

export class ManifestAnalyzer {
  private chunks: KnownChunk[] = [];
  private text = '';
  private optionsKey = '';

  analyze(text: string, options: AnalysisOptions): ManifestAnalysis {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const optionsKey = analysisOptionsKey(options);
    if (optionsKey !== this.optionsKey) {
      this.chunks = [];
      this.text = '';
      this.optionsKey = optionsKey;
    }
    const workloads: Workload[] = [];
    const findings: Finding[] = [];
    const syntaxProblems: SyntaxProblem[] = [];
    const add = (entry: CacheEntry, base: number, documentIndex: number): void => {
      let placed = entry.placed;
      if (placed?.base !== base || placed.documentIndex !== documentIndex || placed.firstWorkload !== workloads.length) {
        placed = place(entry.result, base, documentIndex, workloads.length);
        entry.placed = placed;
      }
      for (const workload of placed.workloads) workloads.push(workload);
      for (const finding of placed.findings) findings.push(finding);
      for (const problem of placed.problems) syntaxProblems.push(problem);
    };

    if (hasDirectives(text)) {
      // Directives bind across document markers, so such a stream is parsed whole (and rarely).
      this.chunks = [];
      this.text = '';
      parseFullStream(text).forEach((parsed, index) => add({ result: analyzeParsed(parsed, options) }, 0, index));
      return { workloads, findings, syntaxProblems, eol };
    }

    const chunks = this.rechunk(text, options);
    let documentIndex = 0;
    for (const chunk of chunks) if (chunk.entry) add(chunk.entry, chunk.offset, documentIndex++);
    this.chunks = chunks;
    this.text = text;
    return { workloads, findings, syntaxProblems, eol };
  }

  /**
   * The new text's chunks. Chunks before and after the edited region are recognised by
   * comparing them in place (no re-splitting, no hashing); only the region between is split
   * again, and its documents are parsed unless an identical one was analysed before.
   */
  private rechunk(text: string, options: AnalysisOptions): KnownChunk[] {
    const old = this.chunks;
    const previous = this.text;
    // The edit lies between the common prefix and the common suffix of the two texts.
    const same = commonPrefixLength(previous, text);
    const sameEnd = commonSuffixLength(previous, text, same);
    const delta = text.length - previous.length;
    // A chunk before the edit is unchanged when the marker line that ends it is too.
    let prefix = 0;
    while (prefix + 1 < old.length && old[prefix + 1]!.offset + 4 <= same) prefix++;
    // A chunk after the edit is unchanged when it opens with `---` and the line break before it is unchanged.
    let suffix = old.length;
    while (suffix - 1 > prefix && old[suffix - 1]!.offset - 1 >= previous.length - sameEnd && old[suffix - 1]!.text.startsWith('---')) suffix--;
    const middleStart = prefix > 0 ? old[prefix - 1]!.offset + old[prefix - 1]!.text.length : 0;
    const middleEnd = suffix < old.length ? old[suffix]!.offset + delta : text.length;
    const byText = new Map<string, CacheEntry>();
    for (let i = prefix; i < suffix; i++) if (old[i]!.entry) byText.set(old[i]!.text, old[i]!.entry!);

    const chunks: KnownChunk[] = old.slice(0, prefix);
    for (const chunk of splitDocuments(text.slice(middleStart, middleEnd))) {
      const blank = isBlankChunk(chunk.text);
      const entry = blank ? undefined : byText.get(chunk.text) ?? { result: analyzeDocument(chunk.text, options) };
      chunks.push({ offset: middleStart + chunk.offset, text: chunk.text, entry });
    }
    for (let i = suffix; i < old.length; i++) chunks.push({ offset: old[i]!.offset + delta, text: old[i]!.text, entry: old[i]!.entry });
    return chunks;
  }
}

/**
 * Equal for options that give equal results. A Map does not survive JSON.stringify (it becomes
 * `{}`), so the cluster's classes are written out as sorted pairs.
 */
export function analysisOptionsKey(options: AnalysisOptions): string {
  const classes = options.clusterClasses ? [...options.clusterClasses].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null;
  return JSON.stringify([options.sandboxClasses, options.exemptNamespaces, options.clusterName ?? null, classes]);
}

// Compared a block at a time: string equality on slices is a native memory compare, which is
// many times faster than a character loop over a multi-megabyte file.
const BLOCK = 4096;

function commonPrefixLength(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  let same = 0;
  while (same + BLOCK <= shorter && a.slice(same, same + BLOCK) === b.slice(same, same + BLOCK)) same += BLOCK;
  while (same < shorter && a.charCodeAt(same) === b.charCodeAt(same)) same++;
  return same;
}

/** Common suffix length, not reaching into the first `prefix` characters of either string. */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  const limit = Math.min(a.length, b.length) - prefix;
  let same = 0;
  while (same + BLOCK <= limit && a.slice(a.length - same - BLOCK, a.length - same) === b.slice(b.length - same - BLOCK, b.length - same)) same += BLOCK;
  while (same < limit && a.charCodeAt(a.length - 1 - same) === b.charCodeAt(b.length - 1 - same)) same++;
  return same;
}

function place(result: DocumentResult, base: number, documentIndex: number, firstWorkload: number): Placed {
  return {
    base,
    documentIndex,
    firstWorkload,
    workloads: result.workloads.map((workload) => relocate(workload, base, documentIndex)),
    findings: result.findings.map((finding) => shiftFinding(finding, base, firstWorkload)),
    problems: result.problems.map((problem) => ({ documentIndex, message: problem.message, range: shift(problem.range, base) })),
  };
}

function analyzeDocument(text: string, options: AnalysisOptions): DocumentResult {
  try {
    const fast = parseLines(text) ?? parseFast(text);
    return analyzeParsed(fast ? { document: fast, errors: [] } : parseFull(text), options);
  } catch (error) {
    // Analysis must never take the editor down: a document that breaks it only loses its findings.
    const message = error instanceof RangeError ? 'The document is nested too deeply to analyse.' : `The document could not be analysed: ${String(error)}`;
    return { workloads: [], findings: [], problems: [{ message, range: { start: 0, end: 0 } }] };
  }
}

function analyzeParsed(parsed: ReturnType<typeof parseFull>, options: AnalysisOptions): DocumentResult {
  if (parsed.document === undefined) {
    return { ...EMPTY, problems: parsed.errors.map((error) => ({ message: error.message, range: { start: error.start, end: error.end } })) };
  }
  return analyzeTree(parsed.document, options);
}

function analyzeTree(document: YDocument, options: AnalysisOptions): DocumentResult {
  const found = findWorkloads(document.root);
  if (found.length === 0) return EMPTY;
  const workloads: Workload[] = [];
  const findings: Finding[] = [];
  found.forEach((workload, workloadIndex) => {
    const sandbox = sandboxStateOf(workload, options);
    workloads.push(toWorkload(workload, sandbox));
    for (const rule of RULES) {
      for (const f of rule({ workload, sandbox, options })) {
        findings.push({ code: f.code, severity: f.severity, message: f.message, range: { start: f.start, end: f.end }, workloadIndex });
      }
    }
  });
  return { workloads, findings, problems: [] };
}

function toWorkload(w: DocWorkload, sandbox: Workload['sandbox']): Workload {
  const value = w.runtimeClass?.value;
  const metadataPair = findPair(w.resource, 'metadata');
  const annotationsPair = w.metadata ? findPair(w.metadata, 'annotations') : undefined;
  return {
    kind: w.kind,
    ...(w.name !== undefined ? { name: w.name } : {}),
    ...(w.namespace !== undefined ? { namespace: w.namespace } : {}),
    documentIndex: 0,
    range: { start: w.resource.start, end: w.resource.end },
    anchor: { start: w.kindNode.start, end: w.kindNode.end },
    sandbox,
    podSpec: mappingAnchor(w.podSpec),
    ...(w.runtimeClass ? { runtimeClassValue: valueRange(value ?? null, w.runtimeClass.colonEnd) } : {}),
    ...(w.metadata ? { metadata: mappingAnchor(w.metadata) } : {}),
    ...(w.annotations ? { annotations: mappingAnchor(w.annotations) } : {}),
    ...(metadataPair && !w.metadata && isNullNode(metadataPair.value) ? { metadataNull: valueRange(metadataPair.value, metadataPair.colonEnd) } : {}),
    ...(annotationsPair && !w.annotations && isNullNode(annotationsPair.value) ? { annotationsNull: valueRange(annotationsPair.value, annotationsPair.colonEnd) } : {}),
    resource: mappingAnchor(w.resource),
  };
}

function valueRange(value: YNode | null, colonEnd: number): TextRange {
  return value === null ? { start: colonEnd, end: colonEnd } : { start: value.start, end: value.end };
}

function mappingAnchor(map: YMap): MappingAnchor {
  const last = map.pairs[map.pairs.length - 1];
  const contentEnd = last === undefined ? map.start : last.value?.end ?? last.colonEnd;
  const firstKey = map.pairs[0]?.key;
  return {
    range: { start: map.start, end: map.end },
    style: map.flow ? 'flow' : 'block',
    indent: map.indent,
    contentEnd,
    ...(firstKey ? { firstKey: firstKey.start } : {}),
    quotedKeys: firstKey?.type === 'scalar' && firstKey.style === 'double',
  };
}

// --- moving a document's results to where the document sits in the file ----------------------

function shift(range: TextRange, base: number): TextRange {
  return { start: range.start + base, end: range.end + base };
}

function shiftAnchor(anchor: MappingAnchor, base: number): MappingAnchor {
  return {
    range: shift(anchor.range, base),
    style: anchor.style,
    indent: anchor.indent,
    contentEnd: anchor.contentEnd + base,
    firstKey: anchor.firstKey === undefined ? undefined : anchor.firstKey + base,
    quotedKeys: anchor.quotedKeys,
  };
}

function shiftOptional<T>(value: T | undefined, base: number, by: (value: T, base: number) => T): T | undefined {
  return value === undefined ? undefined : by(value, base);
}

// Written out rather than spread: this runs for every workload after an edit, and V8 builds
// literal objects far faster than spreads with conditional members.
function relocate(w: Workload, base: number, documentIndex: number): Workload {
  return {
    kind: w.kind,
    name: w.name,
    namespace: w.namespace,
    documentIndex,
    range: shift(w.range, base),
    anchor: shift(w.anchor, base),
    sandbox: w.sandbox,
    podSpec: shiftAnchor(w.podSpec, base),
    runtimeClassValue: shiftOptional(w.runtimeClassValue, base, shift),
    metadata: shiftOptional(w.metadata, base, shiftAnchor),
    annotations: shiftOptional(w.annotations, base, shiftAnchor),
    metadataNull: shiftOptional(w.metadataNull, base, shift),
    annotationsNull: shiftOptional(w.annotationsNull, base, shift),
    resource: shiftAnchor(w.resource, base),
  };
}

function shiftFinding(finding: Finding, base: number, firstWorkload: number): Finding {
  return { code: finding.code, severity: finding.severity, message: finding.message, range: shift(finding.range, base), workloadIndex: finding.workloadIndex + firstWorkload };
}
