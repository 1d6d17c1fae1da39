// sandbox-privileged: privileges that a sandbox confines to its own kernel.
import { allContainers, describeWorkload } from '../workloads';
import { asMap, asSeq, findPair, get, isTrue, scalarString, type YPair } from '../yamlNodes';
import type { Rule, RuleFinding } from './rule';

export const sandboxPrivileged: Rule = ({ workload, sandbox }) => {
  if (sandbox.kind !== 'sandboxed') return [];
  const findings: RuleFinding[] = [];
  for (const container of allContainers(workload.podSpec)) {
    const name = scalarString(get(container, 'name')) ?? '(unnamed)';
    const securityContext = asMap(get(container, 'securityContext'));
    const privileged = findPair(securityContext, 'privileged');
    const where = `Container "${name}" of ${describeWorkload(workload)}`;
    if (privileged && isTrue(privileged.value)) {
      findings.push(finding(privileged, `${where} is privileged, but in the "${sandbox.runtimeClass}" sandbox its privileges reach only the sandbox's own kernel: it cannot load kernel modules, see the node's devices or change the node. If it must act on the node, exempt the workload instead; otherwise drop privileged.`));
      continue;
    }
    const escalation = findPair(securityContext, 'allowPrivilegeEscalation');
    const adds = asSeq(get(asMap(get(securityContext, 'capabilities')), 'add'))?.items ?? [];
    const sysAdmin = adds.some((item) => /^(CAP_)?SYS_ADMIN$/i.test(scalarString(item) ?? ''));
    if (escalation && isTrue(escalation.value) && sysAdmin) {
      findings.push(finding(escalation, `${where} allows privilege escalation with CAP_SYS_ADMIN, but in the "${sandbox.runtimeClass}" sandbox that capability acts only on the sandbox's own kernel: mounts and namespace changes it makes do not reach the node. If it must act on the node, exempt the workload instead.`));
    }
  }
  return findings;
};

function finding(pair: YPair, message: string): RuleFinding {
  return { code: 'sandbox-privileged', severity: 'warning', message, start: pair.key.start, end: pair.value?.end ?? pair.colonEnd };
}
