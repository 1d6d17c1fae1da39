// Turns the positional tree into plain values, to compare it with the `yaml` package's own result.
import { parse } from 'yaml';
import { deref, keyName, scalarString, type YNode } from '../../src/core/manifest/yamlNodes';

export function yamlTreeToJs(node: YNode | null, depth = 0): unknown {
  if (depth > 64) throw new Error('too deep');
  const resolved = deref(node);
  if (resolved === null) return null;
  switch (resolved.type) {
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const pair of resolved.pairs) out[keyName(pair.key) ?? String(yamlTreeToJs(pair.key, depth + 1))] = yamlTreeToJs(pair.value, depth + 1);
      return out;
    }
    case 'seq':
      return resolved.items.map((item) => yamlTreeToJs(item, depth + 1));
    case 'scalar':
      // A plain scalar's type (number, boolean, null) is what yaml resolves it to inside a sequence.
      return resolved.style === 'plain' ? (parse(`- ${resolved.raw.replace(/\n/g, '\n  ')}`) as unknown[])[0] : scalarString(resolved) ?? '';
  }
}
