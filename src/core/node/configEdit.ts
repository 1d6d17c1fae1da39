// The result every node config editor returns, and the safety net under all of them: after
// planning minimal text edits we parse the edited text again and compare it with the original,
// value by value. Anything other than "the old values, plus exactly the values we meant to set"
// turns into an error result: a wrong file is never handed to the caller.

import { parse, TomlError } from 'smol-toml';
import { applyEdits, planEnsure, type TextEdit, type ValueChange } from './tomlEdit';
import { desiredLeaves, flattenLeaves, type DesiredTable } from './tomlTree';

export type { TextEdit, ValueChange } from './tomlEdit';

export type ConfigEditResult =
  | {
      readonly kind: 'changed';
      readonly text: string;
      readonly edits: readonly TextEdit[];
      /** One plain sentence per change, for plans and logs. */
      readonly summary: readonly string[];
      readonly changes: readonly ValueChange[];
    }
  | { readonly kind: 'unchanged'; readonly summary: readonly string[] }
  | { readonly kind: 'error'; readonly message: string };

/** A file written whole because there was none (or it was empty): one edit over all of it. */
export function wholeFileResult(existing: string | undefined, text: string, summary: string): ConfigEditResult {
  return { kind: 'changed', text, edits: [{ start: 0, end: existing?.length ?? 0, newText: text }], summary: [summary], changes: [] };
}

export type ParseOutcome = { readonly kind: 'ok'; readonly value: Record<string, unknown> } | { readonly kind: 'error'; readonly message: string };

/** Parses TOML; a syntax error becomes a message that names the file and the line. */
export function parseToml(text: string, fileLabel: string): ParseOutcome {
  try {
    return { kind: 'ok', value: parse(text) };
  } catch (err) {
    const detail = err instanceof TomlError ? `line ${err.line}, column ${err.column}: ${err.message.split('\n')[0] ?? ''}` : String(err);
    return {
      kind: 'error',
      message: `${fileLabel} is not valid TOML (${detail}). The runtime would refuse it as well; fix the file by hand, then run again. Nothing was changed.`,
    };
  }
}

/**
 * Why `newText` is not `old` plus exactly the desired values, or undefined when it is.
 * Tables that were empty may gain children; every other old leaf must keep its value.
 */
export function verifyEdit(old: unknown, newText: string, base: readonly string[], desired: DesiredTable): string | undefined {
  let parsed: unknown;
  try {
    parsed = parse(newText);
  } catch (err) {
    return `the edited text would not be valid TOML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  const before = flattenLeaves(old);
  const after = flattenLeaves(parsed);
  const wanted = desiredLeaves(base, desired);
  const afterPaths = [...after.keys()].map((k) => JSON.parse(k) as string[]);
  for (const [path, value] of before) {
    if (wanted.has(path)) continue;
    if (value === '{}') {
      const p = JSON.parse(path) as string[];
      if (afterPaths.some((a) => a.length >= p.length && p.every((seg, i) => a[i] === seg))) continue;
    }
    if (!after.has(path)) return `it would lose ${formatLeaf(path)}`;
    if (after.get(path) !== value) return `it would change ${formatLeaf(path)}`;
  }
  for (const path of after.keys()) {
    if (!before.has(path) && !wanted.has(path)) return `it would add an unexpected ${formatLeaf(path)}`;
  }
  for (const [path, value] of wanted) {
    if (after.get(path) !== value) return `it would not set ${formatLeaf(path)} as intended`;
  }
  return undefined;
}

function formatLeaf(pathKey: string): string {
  return (JSON.parse(pathKey) as string[]).join('.');
}

export type EnsureOutcome =
  | { readonly kind: 'changed'; readonly text: string; readonly edits: readonly TextEdit[]; readonly changes: readonly ValueChange[] }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'error'; readonly message: string };

/** Plans, applies and verifies the edits that give `text` the desired values under `base`. */
export function ensureValues(text: string, parsed: unknown, base: readonly string[], desired: DesiredTable, fileLabel: string): EnsureOutcome {
  const plan = planEnsure(text, parsed, base, desired);
  if (plan.kind === 'error') {
    return { kind: 'error', message: `Cannot safely edit ${fileLabel}: ${plan.message}. Nothing was changed; make this change by hand, or simplify that part of the file and run again.` };
  }
  if (plan.edits.length === 0) return { kind: 'unchanged' };
  const newText = applyEdits(text, plan.edits);
  const problem = verifyEdit(parsed, newText, base, desired);
  if (problem) {
    return {
      kind: 'error',
      message: `Kube Sandbox refused its own edit of ${fileLabel}: ${problem}. Nothing was changed. Please report this with the file, and add the settings by hand meanwhile.`,
    };
  }
  return { kind: 'changed', text: newText, edits: plan.edits, changes: plan.changes };
}
