// The fastest tier: a line-at-a-time reader for the block YAML that most manifests are written
// in (`key: value`, `- item`, one-line flow collections, simple quoted scalars, comments). It
// reads each line with a few string scans instead of a character-level lexer, which is what
// keeps full analysis of a large file near js-yaml's speed. Anything else (anchors, block
// scalars, multi-line flows, tabs, escapes, odd indentation) returns `undefined` and goes to
// the lexer-based tier, then to `yaml`'s full parser; tests check all three agree.
import type { YDocument, YMap, YNode, YPair, YScalar, YSeq } from './yamlNodes';

class Unsupported extends Error {}

interface Open {
  readonly node: YMap | YSeq;
  readonly indent: number;
  /** A key (map) or `-` (seq) whose value is expected on the lines below. */
  pending: { readonly pair?: YPair; readonly map?: YMap; readonly seq?: YSeq } | undefined;
}

export function parseLines(text: string): YDocument | undefined {
  try {
    return new LineParser(text).document();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

// Plain scalars may not start with these (or with `-`, `?`, `:` followed by a space).
const PLAIN_START_FORBIDDEN = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?:\s|$))/;

class LineParser {
  private readonly stack: Open[] = [];
  private root: YNode | null = null;

  constructor(private readonly text: string) {}

  document(): YDocument {
    const text = this.text;
    if (text.includes('\t')) throw new Unsupported();
    let lineStart = 0;
    let first = true;
    while (lineStart < text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      let contentEnd = lineEnd;
      if (contentEnd > lineStart && text.charCodeAt(contentEnd - 1) === 13) contentEnd--;
      let col = lineStart;
      while (col < contentEnd && text.charCodeAt(col) === 32) col++;
      const c = text.charCodeAt(col);
      if (col < contentEnd && c !== 35 /* # */) {
        if (first && col === lineStart && text.startsWith('---', col)) {
          if (!isBlankOrComment(text, col + 3, contentEnd)) throw new Unsupported();
        } else {
          this.line(col, col - lineStart, contentEnd);
        }
        first = false;
      }
      lineStart = lineEnd + 1;
    }
    while (this.stack.length > 0) this.close();
    return { root: this.root };
  }

  private top(): Open | undefined {
    return this.stack[this.stack.length - 1];
  }

  private line(at: number, indent: number, end: number): void {
    const text = this.text;
    const isItem = text.charCodeAt(at) === 45 /* - */ && (at + 1 === end || text.charCodeAt(at + 1) === 32);
    if (text.startsWith('...', at) || (text.startsWith('---', at) && indent === 0)) throw new Unsupported();
    for (let top = this.top(); top && (top.indent > indent || (!isItem && top.indent === indent && top.node.type === 'seq' && this.stack.length > 1)); top = this.top()) {
      this.close();
    }
    const top = this.top();
    if (isItem) {
      let seq: YSeq;
      if (top?.node.type === 'seq' && top.indent === indent && top.pending === undefined) {
        seq = top.node;
      } else if (top === undefined ? this.root === null : top.pending !== undefined && (top.indent < indent || (top.node.type === 'map' && top.indent === indent))) {
        seq = { type: 'seq', start: at, end: at, flow: false, items: [] };
        this.attach(seq);
        this.stack.push({ node: seq, indent, pending: undefined });
      } else {
        throw new Unsupported();
      }
      this.item(seq, at, end);
      return;
    }
    if (top?.node.type === 'map' && top.indent === indent) {
      if (top.pending !== undefined) top.pending = undefined; // the key above had a null value
      this.pair(top.node, top, at, end);
      return;
    }
    if (top === undefined ? this.root === null : top.pending !== undefined && top.indent < indent) {
      const map: YMap = { type: 'map', start: at, end: at, flow: false, indent, pairs: [] };
      this.attach(map);
      const open: Open = { node: map, indent, pending: undefined };
      this.stack.push(open);
      this.pair(map, open, at, end);
      return;
    }
    throw new Unsupported();
  }

  /** Gives the pending key or item above (or the document) its value. */
  private attach(node: YMap | YSeq): void {
    const top = this.top();
    if (top === undefined) {
      this.root = node;
      return;
    }
    const pending = top.pending;
    top.pending = undefined;
    if (pending?.pair) (pending.pair as { value: YNode | null }).value = node;
    else if (pending?.seq) pending.seq.items[pending.seq.items.length - 1] = node;
  }

  private item(seq: YSeq, dash: number, end: number): void {
    const text = this.text;
    let at = dash + 1;
    while (at < end && text.charCodeAt(at) === 32) at++;
    const open = this.top()!;
    if (isBlankOrComment(text, at, end)) {
      seq.items.push(null);
      seq.end = dash + 1;
      open.pending = { seq };
      return;
    }
    if (text.charCodeAt(at) === 45 && (at + 1 === end || text.charCodeAt(at + 1) === 32)) throw new Unsupported(); // `- - x`
    const colon = findMapColon(text, at, end);
    if (colon >= 0) {
      // `- key: value`: a map whose keys sit at the column of `key`.
      const indent = at - (text.lastIndexOf('\n', at - 1) + 1);
      const map: YMap = { type: 'map', start: at, end: at, flow: false, indent, pairs: [] };
      seq.items.push(map);
      const mapOpen: Open = { node: map, indent, pending: undefined };
      this.stack.push(mapOpen);
      this.pair(map, mapOpen, at, end);
      return;
    }
    const value = this.value(at, end);
    seq.items.push(value);
    seq.end = value.end;
  }

  private pair(map: YMap, open: Open, at: number, end: number): void {
    const text = this.text;
    const colon = findMapColon(text, at, end);
    if (colon < 0) throw new Unsupported();
    let keyEnd = colon;
    while (keyEnd > at && text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
    const key = scalarAt(text, at, keyEnd);
    if (key.raw.includes(' #')) throw new Unsupported();
    let valueAt = colon + 1;
    while (valueAt < end && text.charCodeAt(valueAt) === 32) valueAt++;
    const pair: YPair = { key, value: null, colonEnd: colon + 1 };
    map.pairs.push(pair);
    if (isBlankOrComment(text, valueAt, end)) {
      map.end = colon + 1;
      open.pending = { pair, map };
      return;
    }
    const value = this.value(valueAt, end);
    (pair as { value: YNode | null }).value = value;
    map.end = value.end;
  }

  /** A value that starts and ends on this line. */
  private value(at: number, end: number): YNode {
    const text = this.text;
    const c = text.charCodeAt(at);
    let node: YNode;
    if (c === 123 || c === 91) {
      const flow = new FlowLine(text, at, end);
      node = flow.collection();
      if (!isBlankOrComment(text, flow.at, end)) throw new Unsupported();
      return node;
    }
    const valueEnd = c === 34 || c === 39 ? quotedEnd(text, at, end) : plainEnd(text, at, end);
    node = scalarAt(text, at, valueEnd);
    if (!isBlankOrComment(text, valueEnd, end)) throw new Unsupported();
    return node;
  }

  private close(): void {
    const open = this.stack.pop()!;
    const node = open.node;
    if (node.type === 'map') checkUniqueKeys(node.pairs);
    const parent = this.top();
    if (parent && node.end > parent.node.end) parent.node.end = node.end;
  }
}

/** The `:` that ends a block mapping key on this line (followed by a space or the line end), or -1. */
function findMapColon(text: string, at: number, end: number): number {
  const c = text.charCodeAt(at);
  if (c === 34 || c === 39) {
    const close = quotedEnd(text, at, end);
    let i = close;
    while (i < end && text.charCodeAt(i) === 32) i++;
    return text.charCodeAt(i) === 58 && (i + 1 === end || text.charCodeAt(i + 1) === 32) ? i : -1;
  }
  if (c === 123 || c === 91) return -1;
  for (let i = text.indexOf(':', at); i >= 0 && i < end; i = text.indexOf(':', i + 1)) {
    if (i + 1 === end || text.charCodeAt(i + 1) === 32) {
      const hash = text.indexOf(' #', at);
      return hash >= 0 && hash < i ? -1 : i;
    }
  }
  return -1;
}

/** End of a plain scalar: before ` #` or trailing spaces. It may not hold `: ` or end in `:`. */
function plainEnd(text: string, at: number, end: number): number {
  let stop = text.indexOf(' #', at);
  if (stop < 0 || stop > end) stop = end;
  while (stop > at && text.charCodeAt(stop - 1) === 32) stop--;
  const colon = text.indexOf(': ', at);
  if ((colon >= 0 && colon < stop) || text.charCodeAt(stop - 1) === 58) throw new Unsupported();
  return stop;
}

/** End of a one-line quoted scalar with no escapes (those go to the full parser). */
function quotedEnd(text: string, at: number, end: number): number {
  const quote = text[at]!;
  const close = text.indexOf(quote, at + 1);
  if (close < 0 || close >= end) throw new Unsupported();
  if (quote === '"' ? text.lastIndexOf('\\', close) > at : text.charCodeAt(close + 1) === 39) throw new Unsupported();
  return close + 1;
}

function scalarAt(text: string, start: number, end: number): YScalar {
  const raw = text.slice(start, end);
  const c = raw.charCodeAt(0);
  const style = c === 34 ? 'double' : c === 39 ? 'single' : 'plain';
  if (style === 'plain' && (raw === '' || PLAIN_START_FORBIDDEN.test(raw))) throw new Unsupported();
  return { type: 'scalar', start, end, style, raw };
}

function isBlankOrComment(text: string, at: number, end: number): boolean {
  let i = at;
  while (i < end && text.charCodeAt(i) === 32) i++;
  return i === end || (text.charCodeAt(i) === 35 && (i === at ? i === 0 || text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 10 : true));
}

/** A flow collection that opens and closes on one line. */
class FlowLine {
  constructor(private readonly text: string, public at: number, private readonly end: number) {}

  collection(): YMap | YSeq {
    const text = this.text;
    const start = this.at;
    const isMap = text.charCodeAt(start) === 123;
    const close = isMap ? 125 : 93;
    this.at++;
    const pairs: YPair[] = [];
    const items: (YNode | null)[] = [];
    let indent = -1;
    this.spaces();
    if (text.charCodeAt(this.at) !== close) {
      for (;;) {
        if (isMap) {
          if (indent < 0) indent = this.at - (text.lastIndexOf('\n', this.at - 1) + 1);
          const key = this.scalar(true);
          this.spaces();
          if (text.charCodeAt(this.at) !== 58) throw new Unsupported();
          const colonEnd = ++this.at;
          if (key.style === 'plain' && text.charCodeAt(this.at) !== 32) throw new Unsupported();
          this.spaces();
          pairs.push({ key, value: this.node(), colonEnd });
        } else {
          items.push(this.node());
        }
        this.spaces();
        const c = text.charCodeAt(this.at);
        if (c === 44) { this.at++; this.spaces(); continue; }
        if (c === close) break;
        throw new Unsupported();
      }
    }
    this.at++;
    if (isMap) {
      checkUniqueKeys(pairs);
      return { type: 'map', start, end: this.at, flow: true, indent, pairs };
    }
    return { type: 'seq', start, end: this.at, flow: true, items };
  }

  private node(): YNode {
    const c = this.text.charCodeAt(this.at);
    return c === 123 || c === 91 ? this.collection() : this.scalar(false);
  }

  private scalar(isKey: boolean): YScalar {
    const text = this.text;
    const start = this.at;
    const c = text.charCodeAt(start);
    let stop: number;
    if (c === 34 || c === 39) {
      stop = quotedEnd(text, start, this.end);
    } else {
      stop = start;
      for (; stop < this.end; stop++) {
        const d = text.charCodeAt(stop);
        // `:` ends a key; anywhere else it is ambiguous in flow context, so leave it to yaml.
        if (d === 44 || d === 93 || d === 125 || d === 123 || d === 91 || d === 58 || d === 35) break;
      }
      if (text.charCodeAt(stop) === 58 && !isKey) throw new Unsupported();
      if (text.charCodeAt(stop) === 35) throw new Unsupported();
      while (stop > start && text.charCodeAt(stop - 1) === 32) stop--;
    }
    this.at = stop;
    return scalarAt(text, start, stop);
  }

  private spaces(): void {
    while (this.at < this.end && this.text.charCodeAt(this.at) === 32) this.at++;
  }
}

function checkUniqueKeys(pairs: readonly YPair[]): void {
  for (let a = 1; a < pairs.length; a++) {
    const key = (pairs[a]!.key as YScalar).raw;
    for (let b = 0; b < a; b++) if ((pairs[b]!.key as YScalar).raw === key) throw new Unsupported();
  }
}
