// Decides whether a workload runs sandboxed, is exempt, or runs on the node's kernel.
import { EXEMPTION_ANNOTATION, type AnalysisOptions, type SandboxState } from './types';
import { isSandboxClass } from './sandboxClasses';
import type { DocWorkload } from './workloads';
import { get, scalarString } from './yamlNodes';

export function sandboxStateOf(workload: DocWorkload, options: AnalysisOptions): SandboxState {
  const runtimeClass = scalarString(workload.runtimeClass?.value);
  if (runtimeClass !== undefined && runtimeClass !== '' && isSandboxClass(runtimeClass, options.sandboxClasses)) {
    return { kind: 'sandboxed', runtimeClass };
  }
  const reason = exemptionReason(workload);
  if (reason !== undefined) return { kind: 'exempt', reason, by: 'annotation', ...(runtimeClass ? { runtimeClass } : {}) };
  if (workload.namespace !== undefined && options.exemptNamespaces.includes(workload.namespace)) {
    return { kind: 'exempt', reason: `namespace ${workload.namespace} is exempt`, by: 'namespace', ...(runtimeClass ? { runtimeClass } : {}) };
  }
  return runtimeClass ? { kind: 'unsandboxed', runtimeClass } : { kind: 'unsandboxed' };
}

/** The exemption's reason from the workload's or its pod template's annotations; empty reasons do not count. */
function exemptionReason(workload: DocWorkload): string | undefined {
  for (const annotations of [workload.annotations, workload.templateAnnotations]) {
    const reason = scalarString(get(annotations, EXEMPTION_ANNOTATION))?.trim();
    if (reason) return reason;
  }
  return undefined;
}
