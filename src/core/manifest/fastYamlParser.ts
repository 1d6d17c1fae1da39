// A fast structural parser over the `yaml` package's lexer, for the YAML that manifests are made
// of: block and flow collections, scalars, comments, anchors and aliases. `yaml`'s own Parser
// and Composer cost about 2.6x and 4.5x of js-yaml's loadAll on a large manifest, its lexer under
// 1x; this keeps analysis near the lexer's cost. Anything outside that subset (tags, explicit
// keys, directives, odd indentation, lexer errors) returns `undefined`, and the caller parses that
// document with the full `yaml` parser instead, which also reports real syntax errors.
import { Lexer } from 'yaml';
import type { ScalarStyle, YAlias, YDocument, YMap, YNode, YPair, YScalar, YSeq } from './yamlNodes';

const enum T {
  Space, Newline, Comment, SeqInd, MapInd, FlowMapStart, FlowSeqStart, FlowEnd, Comma,
  Anchor, Alias, Plain, Single, Double, BlockHeader, BlockContent, DocStart, DocEnd, Unsupported,
}

class Unsupported extends Error {}

function classify(token: string, scalarNext: boolean, afterHeader: boolean): T {
  if (scalarNext) return afterHeader ? T.BlockContent : T.Plain;
  switch (token.charCodeAt(0)) {
    case 32: case 9: return T.Space;
    case 10: case 13: return T.Newline;
    case 35: return T.Comment;
    case 45: return token === '-' ? T.SeqInd : token === '---' ? T.DocStart : T.Unsupported;
    case 58: return T.MapInd;
    case 123: return T.FlowMapStart;
    case 91: return T.FlowSeqStart;
    case 125: case 93: return T.FlowEnd;
    case 44: return T.Comma;
    case 38: return T.Anchor;
    case 42: return T.Alias;
    case 34: return T.Double;
    case 39: return T.Single;
    case 124: case 62: return T.BlockHeader;
    case 46: return token === '...' ? T.DocEnd : T.Unsupported;
    default: return T.Unsupported; // tags, explicit keys, directives, lexer errors
  }
}

/** Parses one document chunk; `undefined` means "use the full parser". */
export function parseFast(text: string): YDocument | undefined {
  try {
    return new FastParser(text).document();
  } catch (error) {
    if (error instanceof Unsupported || error instanceof RangeError) return undefined;
    throw error;
  }
}

class FastParser {
  private readonly types: T[] = [];
  private readonly tokens: string[] = [];
  private readonly offsets: number[] = [];
  private i = 0;
  private readonly anchors = new Map<string, YNode>();

  constructor(private readonly text: string) {
    let offset = 0;
    let scalarNext = false;
    let afterHeader = false;
    for (const token of new Lexer().lex(text)) {
      const c = token.charCodeAt(0);
      if (c === 0x02) continue; // document start marker: no source
      if (c === 0x1f) { scalarNext = true; continue; }
      if (c === 0x18 || c === 0xfeff) throw new Unsupported();
      const type = classify(token, scalarNext, afterHeader);
      if (type === T.Unsupported) throw new Unsupported();
      // `#` starts a comment only after white space; the lexer is lenient there too.
      if (type === T.Comment && offset > 0 && !isWhite(text.charCodeAt(offset - 1))) throw new Unsupported();
      if (type === T.BlockHeader) afterHeader = true;
      else if (type !== T.Space && type !== T.Comment && type !== T.Newline) afterHeader = false;
      scalarNext = false;
      this.types.push(type);
      this.tokens.push(token);
      this.offsets.push(offset);
      offset += token.length;
    }
    if (offset !== text.length) throw new Unsupported();
  }

  document(): YDocument {
    this.skipBlank();
    if (this.peek() === T.DocStart) {
      this.i++;
      this.skipSpaces();
      if (!this.atLineEnd()) throw new Unsupported(); // content on the `---` line
      this.skipBlank();
    }
    const root = this.i < this.types.length && this.peek() !== T.DocEnd ? this.blockNode(-1) : null;
    this.skipBlank();
    if (this.peek() === T.DocEnd) { this.i++; this.skipBlank(); }
    if (this.i < this.types.length) throw new Unsupported();
    return { root };
  }

  // --- token helpers -------------------------------------------------------------------------

  private peek(): T | undefined { return this.types[this.i]; }
  private start(): number { return this.offsets[this.i] ?? this.text.length; }
  private endOf(index: number): number { return (this.offsets[index] ?? 0) + (this.tokens[index]?.length ?? 0); }

  private column(): number {
    const offset = this.start();
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    // YAML forbids tabs in indentation; the full parser says so precisely.
    for (let k = lineStart; k < offset; k++) if (this.text.charCodeAt(k) === 9) throw new Unsupported();
    return offset - lineStart;
  }

  private skipSpaces(): void {
    while (this.peek() === T.Space) this.i++;
  }

  /** Skips spaces, comments and newlines. */
  private skipBlank(): void {
    for (let t = this.peek(); t === T.Space || t === T.Comment || t === T.Newline; t = this.peek()) this.i++;
  }

  private atLineEnd(): boolean {
    const t = this.peek();
    return t === undefined || t === T.Newline || t === T.Comment;
  }

  private isScalarToken(t: T | undefined): boolean {
    return t === T.Plain || t === T.Single || t === T.Double;
  }

  /** True when the token at `i` (a scalar) is followed on its line by `:`. */
  private isKeyAt(i: number): boolean {
    let j = i + 1;
    while (this.types[j] === T.Space) j++;
    return this.types[j] === T.MapInd;
  }

  // --- block context -------------------------------------------------------------------------

  /** A node whose first token is the next non-blank one, indented more than `parentIndent`. */
  private blockNode(parentIndent: number): YNode | null {
    this.skipBlank();
    if (this.i >= this.types.length || this.column() <= parentIndent) return null;
    const t = this.peek();
    if (t === T.Anchor) return this.anchored(() => this.afterAnchor(parentIndent));
    switch (t) {
      case T.SeqInd: return this.blockSeq(this.column());
      case T.Plain: case T.Single: case T.Double:
        return this.isKeyAt(this.i) ? this.blockMap(this.column()) : this.scalar();
      case T.FlowMapStart: case T.FlowSeqStart: return this.flowValueInBlock();
      case T.Alias: return this.alias();
      case T.BlockHeader: return this.blockScalar();
      default: throw new Unsupported();
    }
  }

  private afterAnchor(parentIndent: number): YNode | null {
    this.skipSpaces();
    if (this.atLineEnd()) return this.blockNode(parentIndent);
    const t = this.peek();
    // `&a key: value` anchors the key, not the map: too rare to be worth the subtlety.
    if (this.isScalarToken(t) && this.isKeyAt(this.i)) throw new Unsupported();
    if (t === T.Anchor || t === T.SeqInd) throw new Unsupported();
    return this.blockNode(parentIndent);
  }

  private anchored(parse: () => YNode | null): YNode | null {
    const name = this.tokens[this.i]!.slice(1);
    const after = this.text.charCodeAt(this.endOf(this.i));
    if (!(isWhite(after) || Number.isNaN(after))) throw new Unsupported();
    this.i++;
    const node = parse();
    if (node === null) throw new Unsupported(); // an anchored null: let the full parser decide
    this.anchors.set(name, node);
    return node;
  }

  private blockMap(indent: number): YMap {
    const map: YMap = { type: 'map', start: this.start(), end: this.start(), flow: false, indent, pairs: [] };
    for (;;) {
      const t = this.peek();
      if (!this.isScalarToken(t)) throw new Unsupported();
      const key = this.scalar();
      if (key.raw.includes('\n')) throw new Unsupported();
      this.skipSpaces();
      if (this.peek() !== T.MapInd) throw new Unsupported();
      const colonEnd = this.endOf(this.i);
      this.i++;
      const value = this.mapValue(indent);
      map.pairs.push({ key, value, colonEnd });
      map.end = value === null ? colonEnd : value.end;
      this.skipBlank();
      if (this.i >= this.types.length) break;
      const column = this.column();
      const next = this.peek();
      if (column < indent || next === T.DocEnd || next === T.DocStart) break;
      if (column > indent || !this.isScalarToken(next)) throw new Unsupported();
    }
    checkUniqueKeys(map.pairs);
    return map;
  }

  private mapValue(keyIndent: number): YNode | null {
    this.skipSpaces();
    if (this.atLineEnd()) return this.valueBelow(keyIndent);
    const t = this.peek();
    let node: YNode | null;
    switch (t) {
      case T.Anchor:
        node = this.anchored(() => {
          this.skipSpaces();
          if (this.atLineEnd()) return this.valueBelow(keyIndent);
          return this.inlineValue();
        });
        break;
      default:
        node = this.inlineValue();
    }
    return node;
  }

  /** A map value that starts on the key's line: a scalar, flow collection, alias or block scalar. */
  private inlineValue(): YNode {
    const t = this.peek();
    let node: YNode;
    if (t === T.Plain || t === T.Single || t === T.Double) node = this.scalar();
    else if (t === T.FlowMapStart || t === T.FlowSeqStart) node = this.flowCollection();
    else if (t === T.Alias) node = this.alias();
    else if (t === T.BlockHeader) return this.blockScalar();
    else throw new Unsupported();
    this.skipSpaces();
    if (!this.atLineEnd()) throw new Unsupported(); // e.g. `a: b: c`, or text after a quote
    return node;
  }

  /** A map value on the lines below its key: more indented, or a sequence at the key's column. */
  private valueBelow(keyIndent: number): YNode | null {
    this.skipBlank();
    if (this.i >= this.types.length) return null;
    const column = this.column();
    if (column > keyIndent) return this.blockNode(keyIndent);
    if (column === keyIndent && this.peek() === T.SeqInd) return this.blockSeq(keyIndent);
    return null;
  }

  private blockSeq(indent: number): YSeq {
    const seq: YSeq = { type: 'seq', start: this.start(), end: this.start(), flow: false, items: [] };
    for (;;) {
      const dashEnd = this.endOf(this.i);
      this.i++; // the `-`
      this.skipSpaces();
      const item = this.blockNode(indent);
      seq.items.push(item);
      seq.end = item === null ? dashEnd : item.end;
      this.skipBlank();
      if (this.i >= this.types.length) break;
      const column = this.column();
      if (column < indent || (column === indent && this.peek() !== T.SeqInd)) break;
      if (column > indent) throw new Unsupported();
    }
    return seq;
  }

  private blockScalar(): YScalar {
    const start = this.start();
    if (!BLOCK_HEADER.test(this.tokens[this.i]!)) throw new Unsupported();
    this.i++; // header
    this.skipSpaces();
    if (this.peek() === T.Comment) this.i++;
    let end = this.endOf(this.i - 1);
    if (this.peek() === T.Newline) {
      end = this.endOf(this.i);
      this.i++;
      if (this.peek() === T.BlockContent) { end = this.endOf(this.i); this.i++; }
    }
    return { type: 'scalar', start, end, style: 'block', raw: this.text.slice(start, end) };
  }

  // --- flow context --------------------------------------------------------------------------

  private flowValueInBlock(): YNode {
    const node = this.flowCollection();
    this.skipSpaces();
    if (this.peek() === T.MapInd) throw new Unsupported(); // a flow collection used as a key
    return node;
  }

  private flowCollection(): YMap | YSeq {
    const start = this.start();
    const isMap = this.peek() === T.FlowMapStart;
    this.i++;
    const pairs: YPair[] = [];
    const items: (YNode | null)[] = [];
    let indent = -1;
    for (;;) {
      this.skipBlank();
      const t = this.peek();
      if (t === T.FlowEnd) break;
      if (t === undefined) throw new Unsupported();
      if (isMap) {
        if (!this.isScalarToken(t)) throw new Unsupported();
        if (indent < 0) indent = this.column();
        const key = this.scalar();
        this.skipBlank();
        if (this.peek() !== T.MapInd) throw new Unsupported();
        const colonEnd = this.endOf(this.i);
        this.i++;
        this.skipBlank();
        const next = this.peek();
        const value = next === T.Comma || next === T.FlowEnd ? null : this.flowNode();
        pairs.push({ key, value, colonEnd });
      } else {
        items.push(this.flowNode());
        this.skipBlank();
        if (this.peek() === T.MapInd) throw new Unsupported(); // `[a: b]` implicit pairs
      }
      this.skipBlank();
      if (this.peek() === T.Comma) { this.i++; continue; }
      if (this.peek() !== T.FlowEnd) throw new Unsupported();
    }
    const closing = this.tokens[this.i];
    if ((closing === '}') !== isMap) throw new Unsupported();
    const end = this.endOf(this.i);
    this.i++;
    if (isMap) {
      checkUniqueKeys(pairs);
      return { type: 'map', start, end, flow: true, indent, pairs };
    }
    return { type: 'seq', start, end, flow: true, items };
  }

  private flowNode(): YNode {
    const t = this.peek();
    if (t === T.Anchor) {
      const node = this.anchored(() => { this.skipBlank(); return this.flowNode(); });
      return node!;
    }
    if (t === T.Plain || t === T.Single || t === T.Double) return this.scalar();
    if (t === T.FlowMapStart || t === T.FlowSeqStart) return this.flowCollection();
    if (t === T.Alias) return this.alias();
    throw new Unsupported();
  }

  // --- leaves --------------------------------------------------------------------------------

  private scalar(): YScalar {
    const t = this.peek();
    const raw = this.tokens[this.i]!;
    const start = this.offsets[this.i]!;
    this.i++;
    const style: ScalarStyle = t === T.Plain ? 'plain' : t === T.Single ? 'single' : 'double';
    if (style === 'plain' ? BAD_PLAIN_START.test(raw) : !isWellFormedQuoted(raw, style)) throw new Unsupported();
    return { type: 'scalar', start, end: start + raw.length, style, raw };
  }

  private alias(): YAlias {
    const raw = this.tokens[this.i]!;
    const start = this.offsets[this.i]!;
    this.i++;
    const target = this.anchors.get(raw.slice(1));
    if (target === undefined) throw new Unsupported(); // the full parser reports the error
    return { type: 'alias', start, end: start + raw.length, target };
  }
}

/** Characters YAML does not let a plain scalar start with (the lexer is lenient about them). */
const BAD_PLAIN_START = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?:[ \t\r\n]|$))/;

function isWhite(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

const BLOCK_HEADER = /^[|>](?:[1-9][+-]?|[+-][1-9]?)?$/;
const DOUBLE_QUOTED_ESCAPES = /\\(?:[0abtnvfre "/\\N_LP\t]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\r?\n)/g;

/** The lexer ends an unterminated quote at the end of input; the full parser reports it. */
function isWellFormedQuoted(raw: string, style: ScalarStyle): boolean {
  const quote = style === 'single' ? "'" : '"';
  if (raw.length < 2 || !raw.endsWith(quote)) return false;
  if (style === 'single') return /^'(?:[^']|'')*'$/.test(raw);
  if (!raw.includes('\\')) return true;
  const body = raw.slice(1, -1).replace(DOUBLE_QUOTED_ESCAPES, '');
  return !body.includes('\\') && !body.includes('"');
}

/** YAML forbids duplicate keys; the full parser reports them, so fall back to it. */
function checkUniqueKeys(pairs: readonly YPair[]): void {
  const n = pairs.length;
  if (n < 2) return;
  if (n <= 12) {
    for (let a = 1; a < n; a++) {
      const key = (pairs[a]!.key as YScalar).raw;
      for (let b = 0; b < a; b++) if ((pairs[b]!.key as YScalar).raw === key) throw new Unsupported();
    }
    return;
  }
  const seen = new Set<string>();
  for (const pair of pairs) {
    const key = (pair.key as YScalar).raw;
    if (seen.has(key)) throw new Unsupported();
    seen.add(key);
  }
}
