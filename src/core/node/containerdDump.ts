// containerd's own view of a config edit. `containerd --config FILE config dump` prints the
// effective config: imports merged the way this containerd merges them, defaults filled in.
// Comparing the dump before and after an edit catches what a text-level check cannot: an
// imported section that replaces the main one (containerd 1.x), a migration that moves keys,
// a default that stops applying. The edit may add the runtime (and `imports`); every other
// effective setting must stay as it was.
import { parseToml } from './configEdit';
import { flattenLeaves } from './tomlTree';

export interface DumpChange {
  readonly key: string;
  readonly before: string;
  /** undefined: gone. */
  readonly after?: string;
}

/** Settings of `beforeDump` that `afterDump` lost or changed, ignoring the runtime `runtimeName`
 * (under any CRI plugin) and `imports`, which the edit is meant to change. */
export function lostSettings(beforeDump: string, afterDump: string, runtimeName: string): DumpChange[] | { readonly error: string } {
  const before = parseToml(beforeDump, 'the dump before the edit');
  const after = parseToml(afterDump, 'the dump after the edit');
  if (before.kind === 'error') return { error: before.message };
  if (after.kind === 'error') return { error: after.message };
  const a = flattenLeaves(before.value);
  const b = flattenLeaves(after.value);
  const changes: DumpChange[] = [];
  for (const [pathKey, value] of a) {
    const path = JSON.parse(pathKey) as string[];
    if (path[0] === 'imports') continue;
    const r = path.indexOf('runtimes');
    if (path[0] === 'plugins' && r > 0 && path[r + 1] === runtimeName) continue;
    const now = b.get(pathKey);
    if (now === value) continue;
    // An empty table that gained children is not a change.
    if (value === '{}' && [...b.keys()].some((k) => k.startsWith(`${pathKey.slice(0, -1)},`))) continue;
    changes.push({ key: path.join('.'), before: value, ...(now !== undefined ? { after: now } : {}) });
  }
  return changes;
}

/** One line for a plan or an error: the first few changes, and how many more. */
export function describeChanges(changes: readonly DumpChange[], max = 4): string {
  const shown = changes.slice(0, max).map((c) => (c.after === undefined ? `${c.key} (was ${plain(c.before)}) is gone` : `${c.key} changes from ${plain(c.before)} to ${plain(c.after)}`));
  return `${shown.join('; ')}${changes.length > max ? `; and ${changes.length - max} more` : ''}`;
}

/** canonical() spells values with their type ("string:x", "boolean:true"); show them plainly. */
function plain(canonicalValue: string): string {
  const m = /^(string|boolean|number|bigint):(.*)$/s.exec(canonicalValue);
  if (!m) return canonicalValue;
  return m[1] === 'string' ? JSON.stringify(m[2]) : (m[2] as string);
}
