// What a create-or-update of a RuntimeClass changes, field by field, for the message the user
// reads ("updated: handler runsc → kata-qemu") and to skip writes that would change nothing.
import type { RuntimeClassJson } from './kubeObjects';

export interface RuntimeClassChange {
  readonly field: 'handler' | 'overhead.podFixed' | 'scheduling.nodeSelector' | 'scheduling.tolerations' | `labels.${string}`;
  /** The old value as text (see `canonical`); '' when it was not set. */
  readonly from: string;
  readonly to: string;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A value as the user reads it, independent of key order: a string as is, a map of strings as
 * `k=v, k2=v2` (node selectors, overhead), anything else as JSON; '' when unset or empty.
 */
function canonical(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? '' : stableJson(value);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '';
    if (entries.every(([, v]) => typeof v === 'string')) return entries.map(([k, v]) => `${k}=${String(v)}`).join(', ');
    return stableJson(Object.fromEntries(entries));
  }
  return JSON.stringify(value);
}

/**
 * The spec fields of `desired` that differ from `existing`. Labels count only when `desired`
 * sets them (labels others put on the class are kept, not reported). Empty objects and lists
 * equal a missing field, as the API server treats them.
 */
export function runtimeClassChanges(existing: RuntimeClassJson, desired: RuntimeClassJson): RuntimeClassChange[] {
  const changes: RuntimeClassChange[] = [];
  const compare = (field: RuntimeClassChange['field'], a: unknown, b: unknown): void => {
    const from = canonical(a);
    const to = canonical(b);
    if (from !== to) changes.push({ field, from, to });
  };
  compare('handler', existing.handler, desired.handler);
  compare('overhead.podFixed', existing.overhead?.podFixed, desired.overhead?.podFixed);
  compare('scheduling.nodeSelector', existing.scheduling?.nodeSelector, desired.scheduling?.nodeSelector);
  compare('scheduling.tolerations', existing.scheduling?.tolerations, desired.scheduling?.tolerations);
  const oldLabels = existing.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(desired.metadata?.labels ?? {})) {
    compare(`labels.${key}`, oldLabels[key], value);
  }
  return changes;
}

/** "handler: runsc → kata-qemu; scheduling.nodeSelector: (none) → kube-sandbox.dev/gvisor=20221219" */
export function describeRuntimeClassChanges(changes: readonly RuntimeClassChange[]): string {
  return changes.map((c) => `${c.field}: ${c.from || '(none)'} → ${c.to || '(none)'}`).join('; ');
}

/**
 * The object to PUT: the existing one (its metadata, resourceVersion included, so a concurrent
 * change is refused rather than overwritten) with the desired spec and labels.
 */
export function runtimeClassForUpdate(existing: RuntimeClassJson, desired: RuntimeClassJson): RuntimeClassJson {
  const { overhead, scheduling } = desired;
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: {
      ...existing.metadata,
      labels: { ...existing.metadata?.labels, ...desired.metadata?.labels },
    },
    handler: desired.handler ?? existing.handler ?? '',
    ...(overhead ? { overhead } : {}),
    ...(scheduling ? { scheduling } : {}),
  };
}
