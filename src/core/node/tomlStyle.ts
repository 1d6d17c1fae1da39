// How a TOML file is laid out (indentation of headers and keys, blank lines between tables,
// quote style, line endings), so that lines we add look like the lines around them. Also
// where a table's content really ends: trailing comments that introduce the next header stay
// with that header, comments after a table's last key stay with the table.

import { samePath, startsWithPath, type KeySegment, type ScannedDocument, type ScannedSection } from './tomlScan';
import { formatKey, type QuoteStyle } from './tomlTree';

function mode(values: readonly number[], fallback: number): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = fallback;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount) {
      best = v;
      bestCount = n;
    }
  }
  return best;
}

const isBlank = (line: string): boolean => line.trim() === '';
const isComment = (line: string): boolean => line.trim().startsWith('#');

export interface HeaderStyle {
  readonly indent: string;
  readonly keyIndent: string;
}

export class TomlStyle {
  readonly eol: string;
  readonly blankBeforeHeader: boolean;
  readonly stringQuote: QuoteStyle;
  readonly keyQuote: QuoteStyle;
  private readonly keyDelta: number;
  private readonly step: number;
  private readonly headers: readonly ScannedSection[];

  constructor(private readonly doc: ScannedDocument) {
    const text = doc.text;
    this.eol = doc.eol;
    this.headers = doc.sections.filter((s) => !s.isRoot);
    let separated = 0;
    let compact = 0;
    for (const s of this.headers) {
      if (s.lineStart === 0) continue;
      const before = text.slice(0, s.lineStart).replace(/\r?\n$/, '');
      const previous = before.slice(before.lastIndexOf('\n') + 1);
      if (isBlank(previous) || isComment(previous)) separated++;
      else compact++;
    }
    this.blankBeforeHeader = separated >= compact && separated > 0;
    const quotes = doc.sections.flatMap((s) => s.keyValues).flatMap((kv) => (kv.value.quote ? [kv.value.quote.charAt(0)] : []));
    this.stringQuote = quotes.filter((q) => q === "'").length > quotes.length / 2 ? "'" : '"';
    const keyQuotes = doc.sections.flatMap((s) => s.segments).map((seg) => seg.raw.charAt(0)).filter((q) => q === '"' || q === "'");
    this.keyQuote = keyQuotes.filter((q) => q === "'").length > keyQuotes.length / 2 ? "'" : '"';
    const deltas = this.headers.filter((s) => s.keyValues.length > 0).map((s) => s.keyValues[0]!.indent.length - s.indent.length);
    this.keyDelta = Math.max(0, mode(deltas, 2));
    const steps: number[] = [];
    for (const s of this.headers) {
      const parent = this.nearestExplicitAncestor(s.path);
      if (parent) steps.push(Math.max(0, s.indent.length - parent.indent.length));
    }
    this.step = mode(steps, this.headers.some((s) => s.indent !== '') ? 2 : 0);
  }

  private nearestExplicitAncestor(path: readonly string[]): ScannedSection | undefined {
    let best: ScannedSection | undefined;
    for (const s of this.headers) {
      if (s.path.length < path.length && startsWithPath(path, s.path) && (!best || s.path.length > best.path.length)) best = s;
    }
    return best;
  }

  /** Indentation for a new header `[path]` and its keys, copied from the most similar table. */
  headerStyle(path: readonly string[]): HeaderStyle {
    let similar: ScannedSection | undefined;
    let bestScore = -1;
    for (const s of this.headers) {
      if (s.path.length !== path.length || samePath(s.path, path)) continue;
      let common = 0;
      while (common < path.length && s.path[common] === path[common]) common++;
      const score = common + (s.path[s.path.length - 1] === path[path.length - 1] ? 1 : 0);
      if (score >= path.length - 1 && score >= bestScore) {
        similar = s;
        bestScore = score;
      }
    }
    if (similar) {
      const keyIndent = similar.keyValues[0]?.indent ?? similar.indent + ' '.repeat(this.keyDelta);
      return { indent: similar.indent, keyIndent };
    }
    const ancestor = this.nearestExplicitAncestor(path);
    const indent = ancestor ? ancestor.indent + ' '.repeat(this.step) : '';
    return { indent, keyIndent: indent + ' '.repeat(this.keyDelta) };
  }

  /** Indentation for a new key line in an existing section that has no keys yet. */
  keyIndentIn(section: ScannedSection): string {
    return section.isRoot ? '' : section.indent + ' '.repeat(this.keyDelta);
  }

  /** The path as written in the file where a prefix of it already appears, quoting the rest. */
  rawPath(path: readonly string[]): string {
    let best: readonly KeySegment[] = [];
    for (const s of this.doc.sections) {
      const candidates = [s.segments, ...s.keyValues.map((kv) => [...s.segments, ...kv.key])];
      for (const segs of candidates) {
        let common = 0;
        while (common < path.length && common < segs.length && segs[common]!.name === path[common]) common++;
        if (common >= best.length && common > 0) best = segs.slice(0, common);
      }
    }
    return [...best.map((s) => s.raw), ...path.slice(best.length).map((p) => formatKey(p, this.keyQuote))].join('.');
  }

  /**
   * Where to add new tables after `section`: after its last key and the comments that follow
   * it, but before a comment block written directly above the next header.
   */
  offsetAfter(section: ScannedSection): number {
    const text = this.doc.text;
    let offset = section.contentEnd;
    let attached = section.end;
    if (section.end < text.length) {
      while (attached > section.contentEnd) {
        const prevEnd = attached - 1;
        const lineStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
        if (lineStart < section.contentEnd || !isComment(text.slice(lineStart, prevEnd))) break;
        attached = lineStart;
      }
    }
    let cursor = section.contentEnd;
    while (cursor < attached) {
      const nl = text.indexOf('\n', cursor);
      const lineEnd = nl < 0 || nl >= attached ? attached : nl + 1;
      if (!isBlank(text.slice(cursor, lineEnd))) offset = lineEnd;
      cursor = lineEnd;
    }
    return offset;
  }

  /** Offset of the comment block directly above `section`'s header (or of the header). */
  offsetBefore(section: ScannedSection): number {
    const text = this.doc.text;
    let start = section.lineStart;
    while (start > 0) {
      const lineStart = text.lastIndexOf('\n', start - 2) + 1;
      if (!isComment(text.slice(lineStart, start))) break;
      start = lineStart;
    }
    return start;
  }
}
