// unsandboxed-workload: a workload whose pods would share the node's kernel.
import { EXEMPTION_ANNOTATION } from '../types';
import { describeWorkload } from '../workloads';
import { isNullNode } from '../yamlNodes';
import type { Rule } from './rule';

export const unsandboxedWorkload: Rule = ({ workload, sandbox, options }) => {
  if (sandbox.kind !== 'unsandboxed') return [];
  // A class the live cluster lacks is unknown-runtime-class's error already: the pods would not start at all.
  if (sandbox.runtimeClass !== undefined && options.clusterClasses !== undefined && !options.clusterClasses.has(sandbox.runtimeClass)) return [];
  const what = describeWorkload(workload);
  const classes = options.sandboxClasses.join(', ');
  const todo = `Set runtimeClassName to a sandbox class (${classes}), or exempt it with the annotation ${EXEMPTION_ANNOTATION}: "<why>".`;
  const value = workload.runtimeClass?.value;
  if (sandbox.runtimeClass !== undefined && value) {
    return [{
      code: 'unsandboxed-workload',
      severity: 'warning',
      message: `${what} uses RuntimeClass "${sandbox.runtimeClass}", which is not a sandbox: its pods share the node's kernel, so a kernel exploit in one container can take over the node. ${todo}`,
      start: value.start,
      end: value.end,
    }];
  }
  const empty = workload.runtimeClass !== undefined;
  const node = empty && !isNullNode(value) && value ? value : workload.kindNode;
  return [{
    code: 'unsandboxed-workload',
    severity: 'warning',
    message: `${what} ${empty ? 'has an empty runtimeClassName' : 'has no runtimeClassName'}: its pods run on the node's kernel, so a kernel exploit in one container can take over the node. ${todo}`,
    start: node.start,
    end: node.end,
  }];
};
