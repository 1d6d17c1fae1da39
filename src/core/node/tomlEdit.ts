// Minimal text edits that make a TOML document contain a small tree of desired values, without
// re-serialising anything: missing tables are appended as header blocks after the related
// tables (or as entries of an inline table when the parent is one), missing keys become one
// new line in the table that defines their parent, and a different value has only its value
// text replaced. Callers re-parse and check the result (configEdit.ts) before trusting it.

import { scanDocument, scanInlineTable, startsWithPath, type ScannedDocument, type ScannedSection, type ScannedValue } from './tomlScan';
import { TomlStyle } from './tomlStyle';
import {
  canonical, formatInlineTable, formatKey, formatPath, formatScalar, isDesiredTable, isTable, lookup,
  type DesiredScalar, type DesiredTable, type QuoteStyle,
} from './tomlTree';

/** Replace text[start, end) with newText (start === end inserts). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface ValueChange {
  readonly path: readonly string[];
  readonly action: 'added' | 'updated';
  /** The old value exactly as it was written (updates only). */
  readonly before?: string;
  readonly after: string;
}

export type EnsurePlan =
  | { readonly kind: 'ok'; readonly edits: readonly TextEdit[]; readonly changes: readonly ValueChange[] }
  | { readonly kind: 'error'; readonly message: string };

class CannotEdit extends Error {}

interface Located {
  readonly path: readonly string[];
  readonly value: ScannedValue;
}

/** Whole lines to add at a line start; blocks (new tables) want blank lines around them. */
interface LineInsert {
  readonly offset: number;
  readonly lines: readonly string[];
  readonly block: boolean;
}

class Planner {
  private readonly style: TomlStyle;
  private readonly values: Located[] = [];
  private readonly inserts: LineInsert[] = [];
  private readonly replacements: TextEdit[] = [];
  private readonly inline = new Map<number, { value: ScannedValue; entries: string[] }>();
  readonly changes: ValueChange[] = [];

  constructor(private readonly doc: ScannedDocument, private readonly parsed: unknown) {
    this.style = new TomlStyle(doc);
    for (const s of doc.sections) for (const kv of s.keyValues) this.index(kv.path, kv.value);
  }

  private index(path: readonly string[], value: ScannedValue): void {
    this.values.push({ path, value });
    if (value.kind !== 'inline-table') return;
    for (const entry of scanInlineTable(this.doc.text, value.start).entries) {
      this.index([...path, ...entry.key.map((k) => k.name)], entry.value);
    }
  }

  ensure(base: readonly string[], desired: DesiredTable): void {
    const found = lookup(this.parsed, base);
    if (found.kind === 'blocked') throw new CannotEdit(blockedMessage(base, found.at, found.what));
    if (found.kind === 'absent') return this.createTable(base, desired, found.missingAt);
    if (!isTable(found.value)) throw new CannotEdit(`${formatPath(base)} is a plain value or an array, not a table, so nothing can be added under it`);
    for (const [key, value] of Object.entries(desired)) {
      const path = [...base, key];
      if (isDesiredTable(value)) {
        this.ensure(path, value);
        continue;
      }
      const current = lookup(this.parsed, path);
      if (current.kind === 'absent') this.insertValue(path, value);
      else if (current.kind === 'blocked' || isTable(current.value) || Array.isArray(current.value)) {
        throw new CannotEdit(`${formatPath(path)} is a table or an array where a single value belongs`);
      } else if (canonical(current.value) !== canonical(value)) this.replaceValue(path, value);
    }
  }

  edits(): TextEdit[] {
    const out: TextEdit[] = [...this.replacements];
    for (const { value, entries } of this.inline.values()) {
      const layout = scanInlineTable(this.doc.text, value.start);
      const last = layout.entries[layout.entries.length - 1];
      if (last) out.push({ start: last.value.end, end: last.value.end, newText: entries.map((e) => `, ${e}`).join('') });
      else {
        const pad = this.doc.text.charAt(layout.open + 1) === ' ' ? '' : ' ';
        out.push({ start: layout.open + 1, end: layout.open + 1, newText: ` ${entries.join(', ')}${pad}` });
      }
    }
    const byOffset = new Map<number, LineInsert[]>();
    for (const ins of this.inserts) byOffset.set(ins.offset, [...(byOffset.get(ins.offset) ?? []), ins]);
    for (const [offset, list] of byOffset) out.push({ start: offset, end: offset, newText: this.render(offset, list) });
    return out.sort((a, b) => a.start - b.start);
  }

  /** Key lines first (so a key never lands in a table added at the same place), then tables. */
  private render(offset: number, list: readonly LineInsert[]): string {
    const text = this.doc.text;
    const eol = this.style.eol;
    const blank = this.style.blankBeforeHeader;
    const keys = list.filter((i) => !i.block).flatMap((i) => i.lines);
    const blocks = list.filter((i) => i.block);
    const lines = [...keys];
    for (const b of blocks) lines.push(...(lines.length > 0 && blank ? [''] : []), ...b.lines);
    const body = lines.join(eol);
    const prevLine = text.slice(text.lastIndexOf('\n', offset - 2) + 1, offset);
    const sepBefore = blocks.length > 0 && blank && keys.length === 0 && prevLine.trim() !== '' ? eol : '';
    if (offset > 0 && text.charAt(offset - 1) !== '\n') return eol + sepBefore + body;
    const nl = text.indexOf('\n', offset);
    const next = text.slice(offset, nl < 0 ? text.length : nl);
    const sepAfter = blocks.length > 0 && blank && next.trim() !== '' ? eol : '';
    return sepBefore + body + eol + sepAfter;
  }

  private deepestInline(path: readonly string[]): Located | undefined {
    let best: Located | undefined;
    for (const v of this.values) {
      if (v.value.kind === 'inline-table' && startsWithPath(path, v.path) && (!best || v.path.length > best.path.length)) best = v;
    }
    return best;
  }

  private addInline(literal: Located, path: readonly string[], valueText: string): void {
    const rel = path.slice(literal.path.length).map((p) => formatKey(p, this.style.keyQuote)).join('.');
    const slot = this.inline.get(literal.value.start) ?? { value: literal.value, entries: [] };
    slot.entries.push(`${rel} = ${valueText}`);
    this.inline.set(literal.value.start, slot);
  }

  /** Adds complete lines at a line start (or at the end of a file that lacks a final newline). */
  private place(offset: number, lines: readonly string[], block: boolean): void {
    this.inserts.push({ offset, lines, block });
  }

  private recordAdded(path: readonly string[], value: DesiredScalar | DesiredTable, quote: QuoteStyle): void {
    if (!isDesiredTable(value)) {
      this.changes.push({ path, action: 'added', after: formatScalar(value, quote) });
      return;
    }
    for (const [k, v] of Object.entries(value)) this.recordAdded([...path, k], v, quote);
  }

  private createTable(path: readonly string[], content: DesiredTable, missingAt: number): void {
    const anchor = path.slice(0, missingAt);
    const quote = this.style.stringQuote;
    this.recordAdded(path, content, quote);
    const literal = this.deepestInline(anchor);
    if (literal) return this.addInline(literal, path, formatInlineTable(content, quote));
    let last: ScannedSection | undefined;
    for (const s of this.doc.sections) {
      const holds = (!s.isRoot && startsWithPath(s.path, anchor)) || s.keyValues.some((kv) => kv.path.length > anchor.length && startsWithPath(kv.path, anchor));
      if (holds || anchor.length === 0) last = s;
    }
    const offset = this.style.offsetAfter(last ?? this.doc.sections[this.doc.sections.length - 1]!);
    this.place(offset, this.renderBlock(path, content), true);
  }

  private renderBlock(path: readonly string[], table: DesiredTable): string[] {
    const { indent, keyIndent } = this.style.headerStyle(path);
    const entries = Object.entries(table);
    const scalars = entries.filter(([, v]) => !isDesiredTable(v)) as Array<[string, DesiredScalar]>;
    const lines: string[] = [];
    if (scalars.length > 0 || entries.length === 0) {
      lines.push(`${indent}[${this.style.rawPath(path)}]`);
      for (const [k, v] of scalars) lines.push(`${keyIndent}${formatKey(k, this.style.keyQuote)} = ${formatScalar(v, this.style.stringQuote)}`);
    }
    for (const [k, v] of entries) {
      if (!isDesiredTable(v)) continue;
      if (lines.length > 0 && this.style.blankBeforeHeader) lines.push('');
      lines.push(...this.renderBlock([...path, k], v));
    }
    return lines;
  }

  private insertValue(path: readonly string[], value: DesiredScalar): void {
    const parent = path.slice(0, -1);
    const quote = this.style.stringQuote;
    const valueText = formatScalar(value, quote);
    this.changes.push({ path, action: 'added', after: valueText });
    const literal = this.deepestInline(parent);
    if (literal) return this.addInline(literal, path, valueText);
    const key = formatKey(path[path.length - 1]!, this.style.keyQuote);
    const explicit = this.doc.sections.find((s) => !s.isArray && s.path.length === parent.length && startsWithPath(s.path, parent) && (!s.isRoot || parent.length === 0));
    if (explicit) {
      const last = explicit.keyValues[explicit.keyValues.length - 1];
      const indent = last?.indent ?? this.style.keyIndentIn(explicit);
      return this.place(last?.lineEnd ?? explicit.contentEnd, [`${indent}${key} = ${valueText}`], false);
    }
    // A table made by dotted keys (`containerd.runtimes.runc.runtime_type = ...`) gets one more.
    for (const s of [...this.doc.sections].reverse()) {
      if (s.path.length >= parent.length || !startsWithPath(parent, s.path)) continue;
      const kv = [...s.keyValues].reverse().find((k) => k.path.length > parent.length && startsWithPath(k.path, parent));
      if (!kv) continue;
      const rel = [...kv.key.slice(0, parent.length - s.path.length).map((k) => k.raw), key].join('.');
      return this.place(kv.lineEnd, [`${kv.indent}${rel} = ${valueText}`], false);
    }
    // Only sub-tables define the parent so far: give it its own header, above the first of them.
    const first = this.doc.sections.find((s) => !s.isRoot && startsWithPath(s.path, parent));
    if (!first) throw new CannotEdit(`could not find where ${formatPath(parent)} is defined in the text`);
    const { indent, keyIndent } = this.style.headerStyle(parent);
    this.place(this.style.offsetBefore(first), [`${indent}[${this.style.rawPath(parent)}]`, `${keyIndent}${key} = ${valueText}`], true);
  }

  private replaceValue(path: readonly string[], value: DesiredScalar): void {
    const located = this.values.find((v) => v.path.length === path.length && startsWithPath(v.path, path));
    if (!located) throw new CannotEdit(`could not find where ${formatPath(path)} is written in the text`);
    const old = located.value;
    const quote: QuoteStyle = old.quote ? (old.quote.startsWith("'") ? "'" : '"') : this.style.stringQuote;
    const after = formatScalar(value, quote);
    this.replacements.push({ start: old.start, end: old.end, newText: after });
    this.changes.push({ path, action: 'updated', before: this.doc.text.slice(old.start, old.end), after });
  }
}

function blockedMessage(path: readonly string[], at: number, what: 'array' | 'value'): string {
  const where = formatPath(path.slice(0, at + 1));
  return what === 'array'
    ? `${where} is an array (written with [[...]] or [...]), so there is no single table to add ${formatPath(path)} to`
    : `${where} is a plain value, so ${formatPath(path)} cannot be added under it`;
}

/** Plans the edits that give `text` (already parsed into `parsed`) the `desired` values under `base`. */
export function planEnsure(text: string, parsed: unknown, base: readonly string[], desired: DesiredTable): EnsurePlan {
  try {
    const planner = new Planner(scanDocument(text), parsed);
    planner.ensure(base, desired);
    return { kind: 'ok', edits: planner.edits(), changes: planner.changes };
  } catch (err) {
    if (err instanceof CannotEdit) return { kind: 'error', message: err.message };
    throw err;
  }
}

/** Applies non-overlapping edits (any order) to text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
