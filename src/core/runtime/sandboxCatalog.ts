// The sandboxes Kube Sandbox knows how to offer, and the RuntimeClass objects that offer them.
// Kata's handler names and `overhead.podFixed` are the ones kata-deploy ships
// (kata-containers tools/packaging/kata-deploy/runtimeclasses/kata-{qemu,clh,fc}.yaml), so a
// class created here matches the runtime kata-deploy configures on the node, and the scheduler
// reserves what the VM really costs.
import { stringify } from 'yaml';
import { GVISOR_NODE_LABEL, isSandboxHandler, type RuntimeClassJson } from '../cluster/kubeObjects';
import { isValidRuntimeClassName } from '../manifest/sandboxClasses';

export { isSandboxHandler };

export type SandboxId = 'gvisor' | 'kata-qemu' | 'kata-clh' | 'kata-fc';

export interface NodeLabelHint {
  readonly key: string;
  /** The value a prepared node carries, when it is fixed; our gVisor label holds the runsc version. */
  readonly value?: string;
  /** Who puts the label on nodes, for the picker's description. */
  readonly setBy: string;
}

export interface SandboxKind {
  readonly id: SandboxId;
  readonly family: 'gvisor' | 'kata';
  /** Short name for pickers: "gVisor", "Kata Containers (QEMU)". */
  readonly label: string;
  /** One line on what isolates the pod and what it costs. */
  readonly description: string;
  /** The CRI runtime handler the node's containerd or CRI-O must define. */
  readonly handler: string;
  /** The class name to suggest (the same as kata-deploy's, `gvisor` for gVisor). */
  readonly defaultName: string;
  readonly podFixed?: Readonly<Record<string, string>>;
  /** The label that marks nodes able to run this sandbox, for `scheduling.nodeSelector`. */
  readonly nodeLabel: NodeLabelHint;
}

const KATA_DEPLOY_LABEL: NodeLabelHint = { key: 'katacontainers.io/kata-runtime', value: 'true', setBy: 'kata-deploy' };

export const SANDBOXES: readonly SandboxKind[] = [
  {
    id: 'gvisor',
    family: 'gvisor',
    label: 'gVisor',
    description: 'User-space kernel (runsc): syscalls never reach the host kernel; no VM needed.',
    handler: 'runsc',
    defaultName: 'gvisor',
    nodeLabel: { key: GVISOR_NODE_LABEL, setBy: 'Kube Sandbox (Install gVisor on Node), value: the runsc version' },
  },
  {
    id: 'kata-qemu',
    family: 'kata',
    label: 'Kata Containers (QEMU)',
    description: 'Each pod in a lightweight QEMU VM with its own kernel; needs KVM on the node.',
    handler: 'kata-qemu',
    defaultName: 'kata-qemu',
    podFixed: { memory: '160Mi', cpu: '250m' },
    nodeLabel: KATA_DEPLOY_LABEL,
  },
  {
    id: 'kata-clh',
    family: 'kata',
    label: 'Kata Containers (Cloud Hypervisor)',
    description: 'Each pod in a Cloud Hypervisor VM with its own kernel; needs KVM on the node.',
    handler: 'kata-clh',
    defaultName: 'kata-clh',
    podFixed: { memory: '130Mi', cpu: '250m' },
    nodeLabel: KATA_DEPLOY_LABEL,
  },
  {
    id: 'kata-fc',
    family: 'kata',
    label: 'Kata Containers (Firecracker)',
    description: 'Each pod in a Firecracker microVM with its own kernel; needs KVM and devmapper on the node.',
    handler: 'kata-fc',
    defaultName: 'kata-fc',
    podFixed: { memory: '130Mi', cpu: '250m' },
    nodeLabel: KATA_DEPLOY_LABEL,
  },
];

export const SANDBOX_IDS: readonly SandboxId[] = SANDBOXES.map((s) => s.id);

export function isSandboxId(value: string): value is SandboxId {
  return (SANDBOX_IDS as readonly string[]).includes(value);
}

export function sandboxKind(id: SandboxId): SandboxKind {
  const kind = SANDBOXES.find((s) => s.id === id);
  if (!kind) throw new RangeError(`Unknown sandbox "${String(id)}". Known: ${SANDBOX_IDS.join(', ')}.`);
  return kind;
}

/** The catalog entry whose handler `handler` is, e.g. for a RuntimeClass found in a cluster. */
export function sandboxForHandler(handler: string | undefined): SandboxKind | undefined {
  return SANDBOXES.find((s) => s.handler === handler);
}

/** A toleration as RuntimeClass `scheduling.tolerations` (and pods) take it. */
export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

export interface RuntimeClassOptions {
  /** Defaults to the sandbox's `defaultName`. */
  readonly name?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
}

/** Why `name` cannot name a RuntimeClass, in a sentence; undefined when it can. */
export function runtimeClassNameProblem(name: string): string | undefined {
  if (name === '') return 'A RuntimeClass needs a name.';
  if (!isValidRuntimeClassName(name)) {
    return `"${name}" cannot name a RuntimeClass: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (at most 253 characters).`;
  }
  return undefined;
}

/** Label keys are `[prefix/]name`: prefix a DNS subdomain, name up to 63 of [A-Za-z0-9-_.]. */
function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const nameOk = name.length > 0 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
  const prefixOk = prefix === undefined || isValidRuntimeClassName(prefix);
  return nameOk && prefixOk ? undefined : `"${key}" is not a valid label key (e.g. kube-sandbox.dev/gvisor or disktype).`;
}

function labelValueProblem(key: string, value: string): string | undefined {
  const ok = value === '' || (value.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value));
  return ok ? undefined : `"${value}" is not a valid value for label ${key}: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`;
}

/**
 * `k=v` pairs (a CLI flag, an input box) as a node selector; a problem sentence instead when a
 * pair is malformed. Later pairs win for a repeated key.
 */
export function parseNodeSelector(pairs: readonly string[]): { selector: Record<string, string> } | { problem: string } {
  const selector: Record<string, string> = {};
  for (const raw of pairs) {
    const pair = raw.trim();
    const eq = pair.indexOf('=');
    if (eq <= 0) return { problem: `"${raw}" is not a node selector: write it as key=value, e.g. ${GVISOR_NODE_LABEL}=20221219.` };
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const problem = labelKeyProblem(key) ?? labelValueProblem(key, value);
    if (problem) return { problem };
    selector[key] = value;
  }
  return { selector };
}

/** A `node.k8s.io/v1` RuntimeClass for sandbox `id`; throws a RangeError for a bad name or selector. */
export function buildRuntimeClass(id: SandboxId, options: RuntimeClassOptions = {}): RuntimeClassJson {
  const kind = sandboxKind(id);
  const name = options.name ?? kind.defaultName;
  const nameProblem = runtimeClassNameProblem(name);
  if (nameProblem) throw new RangeError(nameProblem);
  const selector = options.nodeSelector ?? {};
  for (const [key, value] of Object.entries(selector)) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(key, value);
    if (problem) throw new RangeError(problem);
  }
  const tolerations = options.tolerations ?? [];
  const scheduling = {
    ...(Object.keys(selector).length > 0 ? { nodeSelector: { ...selector } } : {}),
    ...(tolerations.length > 0 ? { tolerations: tolerations.map((t) => ({ ...t })) } : {}),
  };
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name },
    handler: kind.handler,
    ...(kind.podFixed ? { overhead: { podFixed: { ...kind.podFixed } } } : {}),
    ...(Object.keys(scheduling).length > 0 ? { scheduling } : {}),
  };
}

/** The class as a YAML document for a preview (what `kubectl apply -f` would take). */
export function runtimeClassYaml(rc: RuntimeClassJson): string {
  const { apiVersion, kind, metadata, handler, overhead, scheduling } = rc;
  // Fields in kubectl's order, server-only metadata left out: this is what the user would write.
  const doc = {
    apiVersion: apiVersion ?? 'node.k8s.io/v1',
    kind: kind ?? 'RuntimeClass',
    metadata: {
      name: metadata?.name,
      ...(metadata?.labels && Object.keys(metadata.labels).length > 0 ? { labels: metadata.labels } : {}),
    },
    handler,
    ...(overhead ? { overhead } : {}),
    ...(scheduling ? { scheduling } : {}),
  };
  return stringify(doc, { lineWidth: 0 });
}
