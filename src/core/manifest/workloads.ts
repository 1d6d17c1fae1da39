// The workloads table: where each kind keeps its pod spec, and the walk that finds them in a
// document (including the items of a `kind: List`).
import { asMap, asSeq, findPair, get, scalarString, type YMap, type YNode, type YPair, type YScalar } from './yamlNodes';

/** Path from the resource to its pod spec, by kind. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** A workload found in one document; offsets are relative to the document chunk. */
export interface DocWorkload {
  readonly kind: string;
  readonly kindNode: YScalar;
  readonly name?: string;
  readonly namespace?: string;
  readonly resource: YMap;
  readonly podSpec: YMap;
  readonly runtimeClass?: YPair;
  readonly metadata?: YMap;
  readonly annotations?: YMap;
  /** The pod template's own annotations (for Pod, the same as `annotations`). */
  readonly templateAnnotations?: YMap;
}

const MAX_LIST_DEPTH = 4;

export function findWorkloads(root: YNode | null, out: DocWorkload[] = [], depth = 0): DocWorkload[] {
  const resource = asMap(root);
  if (resource === undefined) return out;
  const kindNode = get(resource, 'kind');
  const kind = scalarString(kindNode);
  if (kind === undefined || kindNode?.type !== 'scalar') return out;
  if (kind === 'List' || (kind.endsWith('List') && findPair(resource, 'items'))) {
    if (depth < MAX_LIST_DEPTH) for (const item of asSeq(get(resource, 'items'))?.items ?? []) findWorkloads(item, out, depth + 1);
    return out;
  }
  const path = POD_SPEC_PATHS[kind];
  if (path === undefined) return out;
  let node: YMap | undefined = resource;
  let templateParent: YMap | undefined = resource;
  for (const step of path) {
    templateParent = node;
    node = asMap(get(node, step));
    if (node === undefined) return out; // no pod spec yet (being typed, or not a real workload)
  }
  const metadata = asMap(get(resource, 'metadata'));
  const annotations = asMap(get(metadata, 'annotations'));
  const templateMetadata = asMap(get(templateParent, 'metadata'));
  out.push({
    kind,
    kindNode,
    name: scalarString(get(metadata, 'name')),
    namespace: scalarString(get(metadata, 'namespace')),
    resource,
    podSpec: node,
    runtimeClass: findPair(node, 'runtimeClassName'),
    metadata,
    annotations,
    templateAnnotations: kind === 'Pod' ? annotations : asMap(get(templateMetadata, 'annotations')),
  });
  return out;
}

/** The containers of every kind a pod spec has. */
export function allContainers(podSpec: YMap): YMap[] {
  const containers: YMap[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const item of asSeq(get(podSpec, field))?.items ?? []) {
      const container = asMap(item);
      if (container) containers.push(container);
    }
  }
  return containers;
}

export function describeWorkload(workload: Pick<DocWorkload, 'kind' | 'name'>): string {
  return workload.name === undefined ? workload.kind : `${workload.kind} "${workload.name}"`;
}
