// What each finding code means, for reports that describe their rules (SARIF's
// `tool.driver.rules`, shown by GitHub code scanning next to every alert).
import type { Severity } from '../manifest';
import { SYNTAX_ERROR_CODE } from './reportFinding';

export interface RuleDescription {
  readonly id: string;
  /** PascalCase name, as SARIF viewers show it. */
  readonly name: string;
  readonly defaultSeverity: Severity;
  readonly shortDescription: string;
  readonly fullDescription: string;
  /** Plain-text help: what the finding means and what to do. */
  readonly help: string;
  /** Labels GitHub code scanning filters alerts by. */
  readonly tags: readonly string[];
}

export const RULES: readonly RuleDescription[] = [
  {
    id: 'unsandboxed-workload',
    name: 'UnsandboxedWorkload',
    defaultSeverity: 'warning',
    shortDescription: 'Workload runs on the node\'s kernel instead of a sandbox',
    fullDescription:
      'The pod spec has no runtimeClassName, an empty one, or one that is not a sandbox class (gVisor or Kata), ' +
      'so its containers share the node\'s kernel: a kernel exploit in the container reaches the node.',
    tags: ['security', 'kubernetes', 'sandbox'],
    help:
      'Set `runtimeClassName: gvisor` (or another sandbox class) in the pod spec, for example with ' +
      '`kube-sandbox fix --runtime-class gvisor <files>`. If the workload must run on the host kernel, ' +
      'annotate it with `kube-sandbox.dev/unsandboxed-reason: "<why>"`.',
  },
  {
    id: 'sandbox-host-namespace',
    name: 'SandboxHostNamespace',
    defaultSeverity: 'warning',
    shortDescription: 'Sandboxed pod asks for a host namespace',
    fullDescription:
      'A sandboxed pod sets hostNetwork, hostPID or hostIPC. Inside gVisor or Kata the pod does not get the ' +
      'node\'s real network, process or IPC namespace, so software that relies on it misbehaves.',
    tags: ['kubernetes', 'sandbox', 'compatibility'],
    help:
      'Remove hostNetwork, hostPID and hostIPC from the pod spec, or run the workload outside the sandbox ' +
      'with an exemption annotation that says why.',
  },
  {
    id: 'sandbox-privileged',
    name: 'SandboxPrivileged',
    defaultSeverity: 'warning',
    shortDescription: 'Privileged container in a sandboxed pod',
    fullDescription:
      'A container in a sandboxed pod is privileged (or may escalate with CAP_SYS_ADMIN). The privileges apply ' +
      'inside the sandbox\'s kernel, not the node\'s, so device and kernel access the container expects will not work.',
    tags: ['kubernetes', 'sandbox', 'compatibility'],
    help:
      'Drop `privileged: true` and CAP_SYS_ADMIN from the container\'s securityContext, or exempt the workload ' +
      'from sandboxing with a reason if it truly needs the host kernel.',
  },
  {
    id: 'sandbox-host-path',
    name: 'SandboxHostPath',
    defaultSeverity: 'information',
    shortDescription: 'hostPath volume in a sandboxed pod',
    fullDescription:
      'A sandboxed pod mounts a hostPath volume. The sandbox reaches those files through its gofer, which is ' +
      'slower, and changes made on the node may not be seen inside the pod at once.',
    tags: ['kubernetes', 'sandbox', 'performance'],
    help: 'Prefer an emptyDir, ConfigMap, Secret or persistent volume; keep hostPath only when the pod needs node files.',
  },
  {
    id: SYNTAX_ERROR_CODE,
    name: 'SyntaxError',
    defaultSeverity: 'error',
    shortDescription: 'Manifest document cannot be parsed',
    fullDescription:
      'A YAML or JSON document in the file has a syntax error, so none of its workloads were checked. ' +
      'Other documents in the same file are still checked.',
    tags: ['kubernetes', 'syntax'],
    help: 'Fix the syntax at the reported position (kubectl would reject the file too) and run the check again.',
  },
];

/** The description of a code; codes this build does not know get a generic one. */
export function ruleDescription(code: string): RuleDescription {
  return RULES.find((rule) => rule.id === code) ?? {
    id: code,
    name: code.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase()),
    defaultSeverity: 'warning',
    shortDescription: code,
    fullDescription: `Finding ${code} of kube-sandbox.`,
    help: `See the kube-sandbox documentation for ${code}.`,
    tags: ['kubernetes'],
  };
}
