// A unified diff (the `diff -u` / `git diff` text format) of two texts, for plans that show
// what a file will look like before anything is written. Lines are compared exactly: a
// CRLF file keeps its `\r` inside each line, and a missing final newline is reported the
// way GNU diff does ("\ No newline at end of file"), so the diff never hides a byte change.

export interface UnifiedDiffOptions {
  /** Label of the `---` line, e.g. `a/etc/containerd/config.toml`. */
  readonly oldLabel: string;
  /** Label of the `+++` line. */
  readonly newLabel: string;
  /** Unchanged lines shown around each change (default 3, as diff -u). */
  readonly context?: number;
}

interface Line {
  readonly text: string;
  readonly newline: boolean;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: Line };

const NO_NEWLINE = '\\ No newline at end of file';

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop() as string;
  const lines: Line[] = parts.map((p) => ({ text: p, newline: true }));
  if (last !== '') lines.push({ text: last, newline: false });
  return lines;
}

const key = (l: Line): string => (l.newline ? l.text + '\n' : l.text);

/** Myers' O(ND) shortest edit script between a and b (already trimmed of common ends). */
function myers(a: readonly string[], b: readonly string[]): Array<' ' | '-' | '+'> {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace backwards to recover the path.
  const ops: Array<' ' | '-' | '+'> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const at = (k: number): number => vd[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(' ');
      x--;
      y--;
    }
    if (d > 0) ops.push(down ? '+' : '-');
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

function diffOps(a: readonly Line[], b: readonly Line[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && key(a[start]!) === key(b[start]!)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && key(a[endA - 1]!) === key(b[endB - 1]!)) {
    endA--;
    endB--;
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: ' ', line }));
  let i = start;
  let j = start;
  for (const kind of myers(a.slice(start, endA).map(key), b.slice(start, endB).map(key))) {
    if (kind === '+') ops.push({ kind, line: b[j++]! });
    else {
      ops.push({ kind, line: a[i++]! });
      if (kind === ' ') j++;
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: ' ', line });
  return ops;
}

function range(start: number, count: number): string {
  // GNU diff: an empty range names the line before it; a one-line range has no count.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** The unified diff of oldText → newText; the empty string when they are identical. */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions): string {
  if (oldText === newText) return '';
  const context = Math.max(0, options.context ?? 3);
  const ops = diffOps(splitLines(oldText), splitLines(newText));
  const out = [`--- ${options.oldLabel}`, `+++ ${options.newLabel}`];
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  // Group changes whose context windows touch or overlap into one hunk.
  let g = 0;
  while (g < changed.length) {
    let last = g;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * context + 1) last++;
    const from = Math.max(0, changed[g]! - context);
    const to = Math.min(ops.length, changed[last]! + context + 1);
    let oldStart = 0;
    let newStart = 0;
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldStart++;
      if (op.kind !== '-') newStart++;
    }
    const body = ops.slice(from, to);
    const oldCount = body.filter((op) => op.kind !== '+').length;
    const newCount = body.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const op of body) {
      out.push(op.kind + op.line.text);
      if (!op.line.newline) out.push(NO_NEWLINE);
    }
    g = last + 1;
  }
  return out.join('\n') + '\n';
}
