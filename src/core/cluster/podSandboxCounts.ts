// Which pods run sandboxed, judged by what the cluster's RuntimeClasses really point at: a class
// named "gvisor" whose handler is runc sandboxes nothing, and a class called "secure" whose
// handler is runsc does.
import { isSandboxHandler, type PodJson, type RuntimeClassJson } from './kubeObjects';

export interface PodCounts {
  readonly total: number;
  readonly sandboxed: number;
}

/** Names of the classes whose handler sandboxes, from the cluster's RuntimeClasses. */
export function sandboxedClassNames(classes: Iterable<RuntimeClassJson>): Set<string> {
  const names = new Set<string>();
  for (const rc of classes) {
    const name = rc.metadata?.name;
    if (name !== undefined && isSandboxHandler(rc.handler)) names.add(name);
  }
  return names;
}

export function isPodSandboxed(pod: PodJson, sandboxedClasses: ReadonlySet<string>): boolean {
  const cls = pod.spec?.runtimeClassName;
  return cls !== undefined && sandboxedClasses.has(cls);
}

/**
 * Total and sandboxed pods per node name. Pods not yet scheduled (no `spec.nodeName`) count for
 * no node. Finished pods (Succeeded, Failed) are left out: they no longer run on the node.
 */
export function podCountsByNode(
  pods: Iterable<PodJson>,
  classes: Iterable<RuntimeClassJson>,
): Map<string, PodCounts> {
  const sandboxedClasses = sandboxedClassNames(classes);
  const counts = new Map<string, { total: number; sandboxed: number }>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!node || phase === 'Succeeded' || phase === 'Failed') continue;
    let entry = counts.get(node);
    if (!entry) {
      entry = { total: 0, sandboxed: 0 };
      counts.set(node, entry);
    }
    entry.total++;
    if (isPodSandboxed(pod, sandboxedClasses)) entry.sandboxed++;
  }
  return counts;
}

export function podCountsForNode(counts: ReadonlyMap<string, PodCounts>, node: string): PodCounts {
  return counts.get(node) ?? { total: 0, sandboxed: 0 };
}
