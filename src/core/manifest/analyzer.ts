// Manifest analysis: split into documents, parse each (fast path, else the full parser), find
// workloads, run the rules. ManifestAnalyzer caches per document text, so re-analysis after an
// edit parses only the documents that changed.
import { hasDirectives, isBlankChunk, splitDocuments } from './documents';
import { parseFast } from './fastYamlParser';
import { parseFull, parseFullStream } from './fullYamlParser';
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

export class ManifestAnalyzer {
  private cache = new Map<string, DocumentResult>();
  private optionsKey = '';

  analyze(text: string, options: AnalysisOptions): ManifestAnalysis {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const optionsKey = JSON.stringify([options.sandboxClasses, options.exemptNamespaces]);
    if (optionsKey !== this.optionsKey) {
      this.cache.clear();
      this.optionsKey = optionsKey;
    }
    const workloads: Workload[] = [];
    const findings: Finding[] = [];
    const syntaxProblems: SyntaxProblem[] = [];
    const add = (result: DocumentResult, base: number, documentIndex: number): void => {
      const first = workloads.length;
      for (const workload of result.workloads) workloads.push(relocate(workload, base, documentIndex));
      for (const finding of result.findings) findings.push(shiftFinding(finding, base, first));
      for (const problem of result.problems) syntaxProblems.push({ documentIndex, message: problem.message, range: shift(problem.range, base) });
    };

    if (hasDirectives(text)) {
      // Directives bind across document markers, so such a stream is parsed whole (and rarely).
      parseFullStream(text).forEach((parsed, index) => add(analyzeParsed(parsed, options), 0, index));
      return { workloads, findings, syntaxProblems, eol };
    }

    const next = new Map<string, DocumentResult>();
    let documentIndex = 0;
    for (const chunk of splitDocuments(text)) {
      if (isBlankChunk(chunk.text)) continue;
      let result = next.get(chunk.text) ?? this.cache.get(chunk.text);
      if (result === undefined) result = analyzeDocument(chunk.text, options);
      next.set(chunk.text, result);
      add(result, chunk.offset, documentIndex++);
    }
    this.cache = next;
    return { workloads, findings, syntaxProblems, eol };
  }
}

function analyzeDocument(text: string, options: AnalysisOptions): DocumentResult {
  try {
    const fast = parseFast(text);
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
    ...anchor,
    range: shift(anchor.range, base),
    contentEnd: anchor.contentEnd + base,
    ...(anchor.firstKey !== undefined ? { firstKey: anchor.firstKey + base } : {}),
  };
}

function relocate(w: Workload, base: number, documentIndex: number): Workload {
  if (base === 0) return documentIndex === w.documentIndex ? w : { ...w, documentIndex };
  return {
    ...w,
    documentIndex,
    range: shift(w.range, base),
    anchor: shift(w.anchor, base),
    podSpec: shiftAnchor(w.podSpec, base),
    resource: shiftAnchor(w.resource, base),
    ...(w.runtimeClassValue ? { runtimeClassValue: shift(w.runtimeClassValue, base) } : {}),
    ...(w.metadata ? { metadata: shiftAnchor(w.metadata, base) } : {}),
    ...(w.annotations ? { annotations: shiftAnchor(w.annotations, base) } : {}),
    ...(w.metadataNull ? { metadataNull: shift(w.metadataNull, base) } : {}),
    ...(w.annotationsNull ? { annotationsNull: shift(w.annotationsNull, base) } : {}),
  };
}

function shiftFinding(finding: Finding, base: number, firstWorkload: number): Finding {
  return { ...finding, range: shift(finding.range, base), workloadIndex: finding.workloadIndex + firstWorkload };
}
