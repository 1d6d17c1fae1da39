// sandbox-host-namespace: host namespaces that a sandbox cannot share with the pod.
import { describeWorkload } from '../workloads';
import { findPair, isTrue } from '../yamlNodes';
import type { Rule, RuleFinding } from './rule';

const EFFECTS: Readonly<Record<string, string>> = {
  hostNetwork: "the sandbox gives the pod its own network stack, so it will not see or bind the node's network interfaces",
  hostPID: "the sandbox has its own process table, so the pod will not see or signal the node's processes",
  hostIPC: "the sandbox has its own IPC namespace, so the pod will not share memory or semaphores with the node",
};

export const sandboxHostNamespace: Rule = ({ workload, sandbox }) => {
  if (sandbox.kind !== 'sandboxed') return [];
  const findings: RuleFinding[] = [];
  for (const [field, effect] of Object.entries(EFFECTS)) {
    const pair = findPair(workload.podSpec, field);
    if (!pair || !isTrue(pair.value)) continue;
    findings.push({
      code: 'sandbox-host-namespace',
      severity: 'warning',
      message: `${describeWorkload(workload)} sets ${field}: true but runs in the "${sandbox.runtimeClass}" sandbox: ${effect}. If it needs the node's ${field.slice(4).toLowerCase()} namespace, it cannot be sandboxed: exempt it instead; otherwise remove ${field}.`,
      start: pair.key.start,
      end: pair.value?.end ?? pair.colonEnd,
    });
  }
  return findings;
};
