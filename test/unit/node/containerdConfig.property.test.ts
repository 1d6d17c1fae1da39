// Property test: many generated shapes of the same config (tables as headers, dotted keys or
// inline tables; comments and blank lines anywhere between lines; indentation, quotes, line
// endings, final newline; other runtimes; runsc absent, equal or different) must all get
// runsc without losing a value, and a second run must change nothing.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addRunscRuntime } from '../../../src/core/node/containerdConfig';
import { checkChangedResult } from './configAssertions';

type Shape = 'headers' | 'dotted' | 'inline' | 'absent';
type Runsc = 'none' | 'same' | 'different';

interface Spec {
  readonly version: 2 | 3;
  readonly shape: Shape;
  readonly runtimes: readonly string[];
  readonly runsc: Runsc;
  readonly quote: '"' | "'";
  readonly indent: boolean;
  readonly crlf: boolean;
  readonly finalNewline: boolean;
  readonly otherFirst: boolean;
  readonly comments: readonly number[];
}

function render(spec: Spec): string {
  const q = (s: string): string => `${spec.quote}${s}${spec.quote}`;
  const cri = spec.version === 2 ? 'io.containerd.grpc.v1.cri' : 'io.containerd.cri.v1.runtime';
  const base = `plugins.${q(cri)}.containerd`;
  const ind = (n: number): string => (spec.indent ? '  '.repeat(n) : '');
  const runtimes: Array<[string, Record<string, string>, Record<string, string>]> = spec.runtimes.map((name) => [name, { runtime_type: 'io.containerd.runc.v2' }, { BinaryName: `/usr/bin/${name}` }]);
  if (spec.runsc !== 'none') {
    const same = spec.runsc === 'same';
    runtimes.push(['runsc', { runtime_type: same ? 'io.containerd.runsc.v1' : 'io.containerd.runc.v2' }, same ? { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/containerd/runsc.toml' } : { ConfigPath: '/tmp/x.toml' }]);
  }
  const kv = (o: Record<string, string>): string[] => Object.entries(o).map(([k, v]) => `${k} = ${q(v)}`);
  const lines: string[] = [`version = ${spec.version}`, ''];
  const other = ['[grpc]', `${ind(1)}address = ${q('/run/containerd/containerd.sock')}`, '', `[plugins.${q('io.containerd.gc.v1.scheduler')}]`, `${ind(1)}pause_threshold = 0.02`, ''];
  if (spec.otherFirst) lines.push(...other);
  lines.push(`[plugins.${q(cri)}]`, `${ind(1)}enable_cdi = true`);
  if (spec.shape === 'dotted') {
    for (const [name, entry, options] of runtimes) {
      lines.push(...kv(entry).map((l) => `${ind(1)}containerd.runtimes.${name}.${l}`));
      lines.push(...kv(options).map((l) => `${ind(1)}containerd.runtimes.${name}.options.${l}`));
    }
  }
  const defaultName = `default_runtime_name = ${q(spec.runtimes.includes('runc') || spec.runtimes.length === 0 ? 'runc' : spec.runtimes[0]!)}`;
  // Dotted keys define the containerd table, so it cannot also get a header (TOML forbids it).
  if (spec.shape === 'dotted') lines.push(`${ind(1)}containerd.${defaultName}`);
  else lines.push('', `${ind(1)}[${base}]`, `${ind(2)}${defaultName}`);
  if (spec.shape === 'inline') {
    const inline = runtimes.map(([name, entry, options]) => `${name} = { ${kv(entry).join(', ')}, options = { ${kv(options).join(', ')} } }`);
    lines.push(`${ind(2)}runtimes = { ${inline.join(', ')} }`);
  }
  if (spec.shape === 'headers') {
    for (const [name, entry, options] of runtimes) {
      lines.push('', `${ind(2)}[${base}.runtimes.${name}]`, ...kv(entry).map((l) => ind(3) + l));
      lines.push(`${ind(3)}[${base}.runtimes.${name}.options]`, ...kv(options).map((l) => ind(4) + l));
    }
  }
  if (!spec.otherFirst) lines.push('', ...other);
  // Comments between lines, at positions picked by the generator.
  for (const at of [...spec.comments].sort((a, b) => b - a)) lines.splice(at % (lines.length + 1), 0, `${ind(at % 3)}# comment ${at} [not.a.table] = "x"`);
  while (lines[lines.length - 1] === '') lines.pop();
  const eol = spec.crlf ? '\r\n' : '\n';
  const text = lines.join(eol);
  return spec.finalNewline ? text + eol : text;
}

const specs: fc.Arbitrary<Spec> = fc.record({
  version: fc.constantFrom(2 as const, 3 as const),
  shape: fc.constantFrom<Shape>('headers', 'dotted', 'inline', 'absent'),
  runtimes: fc.subarray(['runc', 'kata', 'nvidia']),
  runsc: fc.constantFrom<Runsc>('none', 'same', 'different'),
  quote: fc.constantFrom('"' as const, "'" as const),
  indent: fc.boolean(),
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
  otherFirst: fc.boolean(),
  comments: fc.array(fc.nat(60), { maxLength: 6 }),
});

describe('addRunscRuntime on generated configs', () => {
  it('adds runsc without losing anything, in every shape, and is idempotent', () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const shape: Spec = spec.shape === 'absent' ? { ...spec, runsc: 'none' } : spec;
        const text = render(shape);
        // With no runtimes listed, runc (the default) is written out too: containerd 1.x would
        // otherwise have no default runtime. So "same" stays unchanged only beside others.
        if (shape.runsc === 'same' && shape.runtimes.length > 0) {
          assert.equal(addRunscRuntime(text).kind, 'unchanged');
          return;
        }
        const out = checkChangedResult(text, {}, shape.runsc === 'different');
        if (shape.crlf) assert.doesNotMatch(out, /[^\r]\n/, 'CRLF kept');
        if (!shape.finalNewline) assert.ok(!out.endsWith('\n'), 'still no final newline');
      }),
      { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 300) },
    );
  });
});
