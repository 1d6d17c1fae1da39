// A positional scanner for TOML documents that smol-toml has already accepted. smol-toml
// gives us values but no offsets; to edit a user's file without re-serialising it we need
// to know where each table header, key and value sits. The scanner is deliberately lenient:
// validity is smol-toml's job, ours is only to find byte ranges in a valid document.

export interface KeySegment {
  /** The key as TOML means it (quotes removed, escapes resolved). */
  readonly name: string;
  /** The key exactly as written, e.g. `"io.containerd.grpc.v1.cri"` or `'x'` or `runc`. */
  readonly raw: string;
}

export type ValueKind = 'string' | 'inline-table' | 'array' | 'other';

export interface ScannedValue {
  readonly kind: ValueKind;
  readonly start: number;
  readonly end: number;
  /** For strings: the opening delimiter, to write a replacement in the same style. */
  readonly quote?: string;
}

export interface ScannedKeyValue {
  /** The key as written, relative to its table (dotted keys give several segments). */
  readonly key: readonly KeySegment[];
  /** Absolute path of the value (section path + key). */
  readonly path: readonly string[];
  readonly lineStart: number;
  readonly indent: string;
  readonly value: ScannedValue;
  /** Offset just after the line's newline (or the end of the text on a last line without one). */
  readonly lineEnd: number;
}

export interface ScannedSection {
  /** Absolute path of the table; [] for the root table (no header). */
  readonly path: readonly string[];
  readonly segments: readonly KeySegment[];
  readonly isArray: boolean;
  /** True for the implicit root table, which has no header line. */
  readonly isRoot: boolean;
  /** Offset of the header line's first character (0 for the root table). */
  readonly lineStart: number;
  readonly indent: string;
  readonly keyValues: readonly ScannedKeyValue[];
  /** Offset after the last header or key/value line of this section (comments not counted). */
  readonly contentEnd: number;
  /** Offset where the next header line starts, or the end of the text. */
  readonly end: number;
}

export interface ScannedDocument {
  readonly text: string;
  readonly sections: readonly ScannedSection[];
  /** The line ending the file mostly uses. */
  readonly eol: '\n' | '\r\n';
}

export interface InlineEntry {
  readonly key: readonly KeySegment[];
  readonly value: ScannedValue;
}

export interface InlineTableLayout {
  readonly open: number;
  /** Offset of the closing brace. */
  readonly close: number;
  readonly entries: readonly InlineEntry[];
}

const BARE_KEY = /[A-Za-z0-9_-]/;

class Cursor {
  constructor(readonly text: string, public pos: number) {}

  get ch(): string {
    return this.text.charAt(this.pos);
  }

  skipSpaces(): void {
    while (this.ch === ' ' || this.ch === '\t') this.pos++;
  }

  /** Spaces, newlines and comments: what may separate items inside arrays and inline tables. */
  skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      if (this.ch === '#') this.skipToLineEnd();
      else if (this.ch === '\n' || this.ch === '\r') this.pos++;
      else return;
    }
  }

  skipToLineEnd(): void {
    while (this.pos < this.text.length && this.ch !== '\n' && this.ch !== '\r') this.pos++;
  }

  /** Past the rest of the line: optional spaces and comment, then the newline if any. */
  finishLine(): void {
    this.skipToLineEnd();
    if (this.text.startsWith('\r\n', this.pos)) this.pos += 2;
    else if (this.ch === '\n') this.pos++;
  }
}

function readQuoted(c: Cursor): string {
  const quote = c.ch;
  const start = c.pos;
  c.pos++;
  while (c.pos < c.text.length && c.ch !== quote) {
    if (quote === '"' && c.ch === '\\') c.pos++;
    c.pos++;
  }
  c.pos++;
  const body = c.text.slice(start + 1, c.pos - 1);
  return quote === '"' ? unescapeBasic(body) : body;
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

function unescapeBasic(body: string): string {
  return body.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|[^])/g, (_m, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

function readKey(c: Cursor): KeySegment[] {
  const segments: KeySegment[] = [];
  for (;;) {
    c.skipSpaces();
    const start = c.pos;
    let name: string;
    if (c.ch === '"' || c.ch === "'") {
      name = readQuoted(c);
    } else {
      while (BARE_KEY.test(c.ch)) c.pos++;
      name = c.text.slice(start, c.pos);
    }
    segments.push({ name, raw: c.text.slice(start, c.pos) });
    c.skipSpaces();
    if (c.ch !== '.') return segments;
    c.pos++;
  }
}

function skipString(c: Cursor): string {
  const q = c.ch;
  const triple = c.text.startsWith(q.repeat(3), c.pos);
  if (!triple) {
    readQuoted(c);
    return q;
  }
  c.pos += 3;
  while (c.pos < c.text.length) {
    if (q === '"' && c.ch === '\\') {
      c.pos += 2;
      continue;
    }
    if (c.text.startsWith(q.repeat(3), c.pos)) {
      // The closing delimiter may be preceded by one or two quotes that belong to the content.
      let run = 0;
      while (c.text.charAt(c.pos + run) === q && run < 5) run++;
      c.pos += run;
      return q.repeat(3);
    }
    c.pos++;
  }
  return q.repeat(3);
}

function scanValue(c: Cursor): ScannedValue {
  const start = c.pos;
  const ch = c.ch;
  if (ch === '"' || ch === "'") {
    const quote = skipString(c);
    return { kind: 'string', start, end: c.pos, quote };
  }
  if (ch === '[') {
    c.pos++;
    for (;;) {
      c.skipBlank();
      if (c.ch === ']' || c.pos >= c.text.length) break;
      const before = c.pos;
      scanValue(c);
      c.skipBlank();
      if (c.ch === ',') c.pos++;
      else if (c.pos === before) break; // not valid TOML: never loop forever on it
    }
    c.pos++;
    return { kind: 'array', start, end: c.pos };
  }
  if (ch === '{') {
    scanInlineEntries(c);
    return { kind: 'inline-table', start, end: c.pos };
  }
  while (c.pos < c.text.length && !/[\s,\]}#]/.test(c.ch)) c.pos++;
  // A date-time may separate date and time with one space: 1979-05-27 07:32:00Z.
  if (/^\d{4}-\d{2}-\d{2}$/.test(c.text.slice(start, c.pos)) && /^ \d{2}:/.test(c.text.slice(c.pos, c.pos + 4))) {
    c.pos++;
    while (c.pos < c.text.length && !/[\s,\]}#]/.test(c.ch)) c.pos++;
  }
  return { kind: 'other', start, end: c.pos };
}

/** With the cursor on `{`: reads the entries and leaves the cursor after `}`. */
function scanInlineEntries(c: Cursor): InlineEntry[] {
  const entries: InlineEntry[] = [];
  c.pos++;
  for (;;) {
    c.skipBlank();
    if (c.ch === '}' || c.pos >= c.text.length) break;
    const key = readKey(c);
    c.skipSpaces();
    c.pos++; // '='
    c.skipSpaces();
    entries.push({ key, value: scanValue(c) });
    c.skipBlank();
    if (c.ch === ',') c.pos++;
  }
  c.pos++;
  return entries;
}

/** The entries of the inline table whose `{` is at `open`. */
export function scanInlineTable(text: string, open: number): InlineTableLayout {
  const c = new Cursor(text, open);
  const entries = scanInlineEntries(c);
  return { open, close: c.pos - 1, entries };
}

export function detectEol(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

export function scanDocument(text: string): ScannedDocument {
  const c = new Cursor(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const sections: ScannedSection[] = [];
  let current = { path: [] as string[], segments: [] as KeySegment[], isArray: false, isRoot: true, lineStart: c.pos, indent: '', keyValues: [] as ScannedKeyValue[], contentEnd: c.pos };
  const close = (end: number): void => {
    sections.push({ ...current, end });
  };
  while (c.pos < text.length) {
    const lineStart = c.pos;
    c.skipSpaces();
    const indent = text.slice(lineStart, c.pos);
    const ch = c.ch;
    if (ch === '#' || ch === '\n' || ch === '\r' || c.pos >= text.length) {
      c.finishLine();
      continue;
    }
    if (ch === '[') {
      close(lineStart);
      const isArray = text.startsWith('[[', c.pos);
      c.pos += isArray ? 2 : 1;
      const segments = readKey(c);
      c.pos += isArray ? 2 : 1;
      c.finishLine();
      current = { path: segments.map((s) => s.name), segments, isArray, isRoot: false, lineStart, indent, keyValues: [], contentEnd: c.pos };
      continue;
    }
    const key = readKey(c);
    c.skipSpaces();
    c.pos++; // '='
    c.skipSpaces();
    const value = scanValue(c);
    c.finishLine();
    current.keyValues.push({ key, path: [...current.path, ...key.map((s) => s.name)], lineStart, indent, value, lineEnd: c.pos });
    current.contentEnd = c.pos;
  }
  close(text.length);
  return { text, sections, eol: detectEol(text) };
}

export function startsWithPath(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWithPath(a, b);
}
