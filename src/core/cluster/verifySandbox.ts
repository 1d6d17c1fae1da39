// Verify Sandbox: read the pod and its node, run `uname -r` and `dmesg` in the container, and
// judge (sandboxVerdict). The cluster comes in as the few calls this needs, which KubeApi has.
import type { NodeJson, PodJson } from './kubeObjects';
import { sandboxVerdict, type CommandOutput, type SandboxVerdict } from './sandboxVerdict';

export interface VerifyCallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface VerifyApi {
  readPod(namespace: string, name: string, options?: VerifyCallOptions): Promise<PodJson>;
  readNode(name: string, options?: VerifyCallOptions): Promise<NodeJson>;
  exec(namespace: string, pod: string, container: string, command: readonly string[], options?: VerifyCallOptions): Promise<CommandOutput>;
}

export interface VerifyTarget {
  readonly namespace: string;
  readonly pod: string;
  /** Defaults to kubectl's choice: the `kubectl.kubernetes.io/default-container` annotation, else the first container. */
  readonly container?: string;
}

export interface SandboxVerification extends SandboxVerdict {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly node: string;
  /** The pod's `runtimeClassName`, when it has one. */
  readonly runtimeClassName?: string;
}

/** The pod cannot be checked as it is (not scheduled, not running, no such container). */
export class VerifyProblem extends Error {
  override readonly name = 'VerifyProblem';
}

const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

function chooseContainer(pod: PodJson, target: VerifyTarget): string {
  const names = (pod.spec?.containers ?? []).map((c) => c.name ?? '').filter((n) => n !== '');
  const where = `pod "${target.pod}" in namespace "${target.namespace}"`;
  if (target.container !== undefined) {
    if (!names.includes(target.container)) {
      throw new VerifyProblem(`${where} has no container "${target.container}"; its containers are ${names.join(', ') || '(none)'}.`);
    }
    return target.container;
  }
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const chosen = annotated !== undefined && names.includes(annotated) ? annotated : names[0];
  if (chosen === undefined) throw new VerifyProblem(`${where} has no containers to check.`);
  return chosen;
}

function requireRunning(pod: PodJson, target: VerifyTarget, container: string): string {
  const where = `Pod "${target.pod}" in namespace "${target.namespace}"`;
  const node = pod.spec?.nodeName;
  if (!node) throw new VerifyProblem(`${where} is not scheduled to a node yet. Verify it once it runs.`);
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  if (status?.state?.running) return node;
  const waiting = status?.state?.waiting;
  const terminated = status?.state?.terminated;
  const state = waiting
    ? `waiting: ${waiting.reason ?? 'unknown reason'}${waiting.message ? ` (${waiting.message})` : ''}`
    : terminated
      ? `terminated: ${terminated.reason ?? `exit code ${terminated.exitCode ?? '?'}`}`
      : `pod phase ${pod.status?.phase ?? 'unknown'}`;
  throw new VerifyProblem(`${where}: container "${container}" is not running (${state}). Verify it once it runs.`);
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function verifySandbox(api: VerifyApi, target: VerifyTarget, options: VerifyCallOptions = {}): Promise<SandboxVerification> {
  const pod = await api.readPod(target.namespace, target.pod, options);
  const container = chooseContainer(pod, target);
  const node = requireRunning(pod, target, container);
  const extra: string[] = [];

  // A user may exec into pods without being allowed to read nodes: then the kernel log decides.
  let nodeKernel: string | undefined;
  try {
    nodeKernel = (await api.readNode(node, options)).status?.nodeInfo?.kernelVersion;
  } catch (err) {
    if (options.signal?.aborted) throw err;
    extra.push(`Could not read node "${node}": ${describeError(err)}`);
  }

  const run = (command: readonly string[]): Promise<CommandOutput> => api.exec(target.namespace, target.pod, container, command, options);
  let uname = await run(['uname', '-r']);
  if (uname.exitCode !== 0) {
    // Images without uname (distroless) still have procfs.
    const osrelease = await run(['cat', '/proc/sys/kernel/osrelease']);
    if (osrelease.exitCode === 0) uname = osrelease;
  }
  let dmesg: CommandOutput | undefined;
  try {
    dmesg = await run(['dmesg']);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    extra.push(`dmesg could not be run: ${describeError(err)}`);
  }

  const verdict = sandboxVerdict({ nodeKernel, uname, dmesg });
  const runtimeClassName = pod.spec?.runtimeClassName;
  const evidence = [...verdict.evidence, ...extra, `Pod runtimeClassName: ${runtimeClassName ?? '(none: the node\'s default runtime)'}`];
  return {
    ...verdict,
    evidence,
    namespace: target.namespace,
    pod: target.pod,
    container,
    node,
    ...(runtimeClassName ? { runtimeClassName } : {}),
  };
}
