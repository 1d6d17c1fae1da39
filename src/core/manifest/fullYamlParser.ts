// The fallback: `yaml`'s complete parser, for documents the fast parser does not take on. It
// reports real syntax errors, and its AST is converted to the same positional tree.
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, Scalar, type Document, type Node as YamlNode } from 'yaml';
import type { ScalarStyle, YDocument, YNode, YPair } from './yamlNodes';

export interface FullParseResult {
  readonly document?: YDocument;
  readonly errors: readonly { readonly message: string; readonly start: number; readonly end: number }[];
}

const PARSE_OPTIONS = { keepSourceTokens: false, prettyErrors: false, uniqueKeys: true } as const;

export function parseFull(text: string): FullParseResult {
  return convertDocument(parseDocument(text, PARSE_OPTIONS), text);
}

/** Every document of a stream (for files with directives, which bind across markers). */
export function parseFullStream(text: string): FullParseResult[] {
  const docs = parseAllDocuments(text, PARSE_OPTIONS);
  return Array.isArray(docs) ? docs.map((doc) => convertDocument(doc, text)) : [];
}

function convertDocument(doc: Document.Parsed, text: string): FullParseResult {
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((error) => ({
        message: error.message.split('\n')[0] ?? error.message,
        start: error.pos[0],
        end: Math.max(error.pos[1], error.pos[0]),
      })),
    };
  }
  const converted = new Map<YamlNode, YNode>();
  const convert = (node: unknown): YNode | null => {
    if (node == null) return null;
    let result: YNode | null = null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      result = { type: 'alias', start: node.range?.[0] ?? 0, end: node.range?.[1] ?? 0, target: target ? converted.get(target) ?? null : null };
    } else if (isScalar(node)) {
      const [start, end] = node.range ?? [0, 0];
      result = { type: 'scalar', start, end, style: scalarStyle(node), raw: text.slice(start, end) };
    } else if (isMap(node)) {
      const [start, , end] = node.range ?? [0, 0, 0];
      const pairs: YPair[] = [];
      const map = { type: 'map' as const, start, end, flow: node.flow === true, indent: 0, pairs };
      converted.set(node, map);
      for (const pair of node.items) {
        const key = convert(pair.key);
        if (key === null) continue; // `? ` with no key: nothing a manifest rule reads
        pairs.push({ key, value: convert(pair.value), colonEnd: colonAfter(text, key.end) });
      }
      const first = pairs[0]?.key.start ?? start;
      return Object.assign(map, { indent: first - (text.lastIndexOf('\n', first - 1) + 1), end: trimEnd(text, start, end) });
    } else if (isSeq(node)) {
      const [start, , end] = node.range ?? [0, 0, 0];
      const seq = { type: 'seq' as const, start, end: trimEnd(text, start, end), flow: node.flow === true, items: [] as (YNode | null)[] };
      converted.set(node as YamlNode, seq);
      for (const item of node.items) seq.items.push(convert(item));
      return seq;
    }
    if (result !== null) converted.set(node as YamlNode, result);
    return result;
  };
  return { document: { root: convert(doc.contents) }, errors: [] };
}

function scalarStyle(node: Scalar): ScalarStyle {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE: return 'double';
    case Scalar.QUOTE_SINGLE: return 'single';
    case Scalar.BLOCK_FOLDED: case Scalar.BLOCK_LITERAL: return 'block';
    default: return 'plain';
  }
}

/** Offset just after the `:` that follows a key (comments and line breaks may sit between). */
function colonAfter(text: string, keyEnd: number): number {
  const colon = text.indexOf(':', keyEnd);
  return colon < 0 ? keyEnd : colon + 1;
}

/** Collection ranges from `yaml` include trailing comments and blank lines; edits want the content. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return e;
}
