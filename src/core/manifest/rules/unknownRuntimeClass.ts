// unknown-runtime-class: a runtimeClassName the cluster chosen for live checks does not have.
// The RuntimeClass admission plugin refuses such pods ("pod rejected: RuntimeClass "x" not
// found"); for a Deployment or a Job the object is accepted and every pod it makes is refused,
// which is harder to notice than an error at apply time. Runs only with `clusterClasses` set.
import { isSandboxHandler } from '../../cluster/kubeObjects';
import { describeWorkload } from '../workloads';
import { scalarString } from '../yamlNodes';
import type { Rule } from './rule';

export const unknownRuntimeClass: Rule = ({ workload, options }) => {
  const classes = options.clusterClasses;
  const value = workload.runtimeClass?.value;
  if (classes === undefined || !value) return [];
  const name = scalarString(value)?.trim();
  // An empty value means "the default runtime": no class is looked up, nothing is refused.
  if (!name || classes.has(name)) return [];
  const cluster = options.clusterName ? `cluster "${options.clusterName}"` : 'the cluster chosen for manifest checks';
  const sandboxes = sandboxClassNames(classes);
  const todo = sandboxes.length > 0
    ? `Use one of its sandbox classes (${sandboxes.join(', ')}), or create "${name}" in the cluster (Kube Sandbox: Create RuntimeClass…).`
    : `The cluster has no sandbox class yet: create one (Kube Sandbox: Create RuntimeClass…), then use its name.`;
  const pods = workload.kind === 'Pod' ? 'the pod' : `every pod of ${describeWorkload(workload)}`;
  return [{
    code: 'unknown-runtime-class',
    severity: 'error',
    message: `RuntimeClass "${name}" does not exist in ${cluster}: the API server would refuse ${pods} with "pod rejected: RuntimeClass "${name}" not found". ${todo}`,
    start: value.start,
    end: value.end,
  }];
};

/** The cluster's classes whose handler sandboxes (runsc, kata*), sorted by name. */
export function sandboxClassNames(classes: ReadonlyMap<string, string>): string[] {
  return [...classes].filter(([, handler]) => isSandboxHandler(handler)).map(([name]) => name).sort();
}
