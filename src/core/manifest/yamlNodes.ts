// A small positional YAML tree: just what manifest analysis and minimal edits need.
// Offsets are relative to the start of the document chunk the tree was parsed from.
import { parse as parseYaml } from 'yaml';

export type YNode = YMap | YSeq | YScalar | YAlias;

export interface YPair {
  readonly key: YNode;
  readonly value: YNode | null;
  /** Offset just after the `:` (where a value goes when it is null). */
  readonly colonEnd: number;
}

export interface YMap {
  readonly type: 'map';
  readonly start: number;
  end: number;
  readonly flow: boolean;
  /** Column of the keys (block style) or of the first key (flow style). */
  readonly indent: number;
  readonly pairs: YPair[];
}

export interface YSeq {
  readonly type: 'seq';
  readonly start: number;
  end: number;
  readonly flow: boolean;
  readonly items: (YNode | null)[];
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';

export interface YScalar {
  readonly type: 'scalar';
  readonly start: number;
  readonly end: number;
  readonly style: ScalarStyle;
  /** The source text of the scalar (quotes and block header included). */
  readonly raw: string;
}

export interface YAlias {
  readonly type: 'alias';
  readonly start: number;
  readonly end: number;
  /** The anchored node this alias stood for where it appeared (YAML's "most recent anchor"). */
  readonly target: YNode | null;
}

export interface YDocument {
  readonly root: YNode | null;
}

const NULL_PLAIN = /^(?:~|null|Null|NULL)?$/;
const TRUE_PLAIN = /^(?:true|True|TRUE)$/;

/** The string value of a scalar, or undefined for null, non-strings it cannot read, or non-scalars. */
export function scalarString(node: YNode | null | undefined): string | undefined {
  const resolved = deref(node);
  if (resolved?.type !== 'scalar') return undefined;
  const raw = resolved.raw;
  switch (resolved.style) {
    case 'plain':
      if (NULL_PLAIN.test(raw)) return undefined;
      return raw.includes('\n') ? decodeSlow(raw) : raw;
    case 'double':
      return raw.includes('\\') || raw.includes('\n') ? decodeSlow(raw) : raw.slice(1, -1);
    case 'single':
      return raw.includes("''") || raw.includes('\n') ? decodeSlow(raw) : raw.slice(1, -1);
    case 'block':
      return decodeSlow(raw);
  }
}

/** YAML 1.2 core-schema `true` (a quoted "true" is a string, which the API server would refuse). */
export function isTrue(node: YNode | null | undefined): boolean {
  const resolved = deref(node);
  return resolved?.type === 'scalar' && resolved.style === 'plain' && TRUE_PLAIN.test(resolved.raw);
}

export function isNullNode(node: YNode | null | undefined): boolean {
  const resolved = deref(node);
  return resolved == null || (resolved.type === 'scalar' && resolved.style === 'plain' && NULL_PLAIN.test(resolved.raw));
}

// Escapes, folding and block scalars are rare in the values we read; let the full parser decode them.
function decodeSlow(raw: string): string | undefined {
  try {
    const value: unknown = parseYaml(raw, { maxAliasCount: 0 });
    if (typeof value === 'string') return value;
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

const MAX_ALIAS_HOPS = 32;

/** Follows aliases to the node they stand for. Bounded, so a cycle cannot hang analysis. */
export function deref(node: YNode | null | undefined): YMap | YSeq | YScalar | null {
  let current = node ?? null;
  for (let hops = 0; current?.type === 'alias'; hops++) {
    if (hops >= MAX_ALIAS_HOPS) return null;
    current = current.target;
  }
  return current;
}

export function asMap(node: YNode | null | undefined): YMap | undefined {
  const resolved = deref(node);
  return resolved?.type === 'map' ? resolved : undefined;
}

export function asSeq(node: YNode | null | undefined): YSeq | undefined {
  const resolved = deref(node);
  return resolved?.type === 'seq' ? resolved : undefined;
}

/**
 * The pair for `key` in a map, looking through `<<` merge keys as Kubernetes' YAML decoder does.
 * Own keys win over merged ones; the first merged map that has the key wins.
 */
export function findPair(map: YMap | undefined, key: string, depth = 0): YPair | undefined {
  if (map === undefined) return undefined;
  let merges: YNode[] | undefined;
  for (const pair of map.pairs) {
    const name = keyName(pair.key);
    if (name === key) return pair;
    if (name === '<<' && pair.key.type === 'scalar' && pair.key.style === 'plain' && pair.value !== null) {
      (merges ??= []).push(pair.value);
    }
  }
  if (merges === undefined || depth >= MAX_ALIAS_HOPS) return undefined;
  for (const merge of merges) {
    const seq = asSeq(merge);
    for (const source of seq ? seq.items : [merge]) {
      const found = findPair(asMap(source), key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

export function get(map: YMap | undefined, key: string): YNode | null | undefined {
  return findPair(map, key)?.value;
}

/** A key's text, fast for the plain keys manifests use. */
export function keyName(key: YNode): string | undefined {
  if (key.type === 'scalar' && key.style === 'plain' && !key.raw.includes('\n')) return key.raw;
  return scalarString(key);
}
