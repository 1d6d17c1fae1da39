// Helpers over parsed TOML values (smol-toml's output) and over the small "desired" trees the
// config editors ask for: lookups that say why a path cannot be reached, a canonical form for
// comparing values, and TOML spellings of new keys and values.

export type DesiredScalar = string | number | boolean;
export type DesiredValue = DesiredScalar | DesiredTable;
export interface DesiredTable {
  readonly [key: string]: DesiredValue;
}

export type Lookup =
  | { readonly kind: 'found'; readonly value: unknown }
  | { readonly kind: 'absent'; readonly missingAt: number }
  | { readonly kind: 'blocked'; readonly at: number; readonly what: 'array' | 'value' };

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function isDesiredTable(value: DesiredValue): value is DesiredTable {
  return typeof value === 'object';
}

/** Follows `path` from `root`; says where it stops and why. */
export function lookup(root: unknown, path: readonly string[]): Lookup {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (!isTable(node)) return { kind: 'blocked', at: i - 1, what: Array.isArray(node) ? 'array' : 'value' };
    if (!Object.prototype.hasOwnProperty.call(node, path[i]!)) return { kind: 'absent', missingAt: i };
    node = node[path[i]!];
  }
  return { kind: 'found', value: node };
}

/** A string that is equal for two values exactly when TOML considers them the same value. */
export function canonical(value: unknown): string {
  if (value instanceof Date) return `date:${value.toISOString()}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isTable(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && Number.isNaN(value)) return 'nan';
  return `${typeof value}:${String(value)}`;
}

/** Every leaf of a parsed document, keyed by its JSON-encoded path; empty tables are leaves too. */
export function flattenLeaves(root: unknown, prefix: string[] = [], out = new Map<string, string>()): Map<string, string> {
  if (isTable(root)) {
    const keys = Object.keys(root);
    if (keys.length === 0 && prefix.length > 0) out.set(JSON.stringify(prefix), '{}');
    for (const k of keys) flattenLeaves(root[k], [...prefix, k], out);
  } else {
    out.set(JSON.stringify(prefix), canonical(root));
  }
  return out;
}

/** The leaves of a desired tree placed under `base`, in the same form as flattenLeaves. */
export function desiredLeaves(base: readonly string[], desired: DesiredTable, out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(desired)) {
    if (isDesiredTable(v)) desiredLeaves([...base, k], v, out);
    else out.set(JSON.stringify([...base, k]), canonical(v));
  }
  return out;
}

export type QuoteStyle = '"' | "'";

export function formatKey(name: string, quote: QuoteStyle = '"'): string {
  if (/^[A-Za-z0-9_-]+$/.test(name)) return name;
  return formatString(name, quote);
}

export function formatString(value: string, quote: QuoteStyle = '"'): string {
  // A literal string cannot hold its own quote, newlines or control characters.
  if (quote === "'" && !/['\u0000-\u001f\u007f]/.test(value)) return `'${value}'`;
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (ch) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
    return named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

export function formatScalar(value: DesiredScalar, quote: QuoteStyle = '"'): string {
  return typeof value === 'string' ? formatString(value, quote) : String(value);
}

/** A path as a TOML dotted key, for messages: plugins."io.containerd.grpc.v1.cri".containerd */
export function formatPath(path: readonly string[]): string {
  return path.map((p) => formatKey(p)).join('.');
}

export function formatInlineTable(table: DesiredTable, quote: QuoteStyle = '"'): string {
  const parts = Object.entries(table).map(([k, v]) => `${formatKey(k, quote)} = ${isDesiredTable(v) ? formatInlineTable(v, quote) : formatScalar(v, quote)}`);
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}
