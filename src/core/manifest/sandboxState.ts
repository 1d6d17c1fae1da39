// Decides whether a workload runs sandboxed, is exempt, or runs on the node's kernel.
import { isSandboxHandler } from '../cluster/kubeObjects';
import { EXEMPTION_ANNOTATION, type AnalysisOptions, type SandboxState } from './types';
import { isSandboxClass } from './sandboxClasses';
import type { DocWorkload } from './workloads';
import { get, scalarString } from './yamlNodes';

export function sandboxStateOf(workload: DocWorkload, options: AnalysisOptions): SandboxState {
  const runtimeClass = scalarString(workload.runtimeClass?.value);
  if (runtimeClass !== undefined && runtimeClass !== '' && sandboxes(runtimeClass, options)) {
    return { kind: 'sandboxed', runtimeClass };
  }
  const reason = exemptionReason(workload);
  if (reason !== undefined) return { kind: 'exempt', reason, by: 'annotation', ...(runtimeClass ? { runtimeClass } : {}) };
  if (workload.namespace !== undefined && options.exemptNamespaces.includes(workload.namespace)) {
    return { kind: 'exempt', reason: `namespace ${workload.namespace} is exempt`, by: 'namespace', ...(runtimeClass ? { runtimeClass } : {}) };
  }
  return runtimeClass ? { kind: 'unsandboxed', runtimeClass } : { kind: 'unsandboxed' };
}

/**
 * A live cluster knows what its classes run: its handler decides (a class named "gvisor" with
 * handler runc sandboxes nothing). A class the cluster lacks is unknown-runtime-class's finding;
 * judging it by name here keeps it from also being reported as unsandboxed.
 */
function sandboxes(runtimeClass: string, options: AnalysisOptions): boolean {
  const handler = options.clusterClasses?.get(runtimeClass);
  return handler !== undefined ? isSandboxHandler(handler) : isSandboxClass(runtimeClass, options.sandboxClasses);
}

/** The exemption's reason from the workload's or its pod template's annotations; empty reasons do not count. */
function exemptionReason(workload: DocWorkload): string | undefined {
  for (const annotations of [workload.annotations, workload.templateAnnotations]) {
    const reason = scalarString(get(annotations, EXEMPTION_ANNOTATION))?.trim();
    if (reason) return reason;
  }
  return undefined;
}
