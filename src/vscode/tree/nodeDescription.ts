// Short texts for node and RuntimeClass elements. Pure: no vscode, so the rules read at a glance.
import type { RuntimeClassJson } from '../../core/cluster/kubeObjects';
import type { NodeSandboxStatus, SandboxState } from '../../core/cluster/nodeSandboxStatus';
import type { PodCounts } from '../../core/cluster/podSandboxCounts';

/** `containerd://1.6.20` → `containerd 1.6.20`; an unknown scheme is kept as it is. */
export function runtimeShort(containerRuntime: string): string {
  const match = /^([a-z0-9.-]+):\/\/(.+)$/i.exec(containerRuntime.trim());
  return match ? `${match[1]} ${match[2]}` : containerRuntime.trim();
}

/** `6.1.0-18-amd64` → `kernel 6.1`: the release line, which is what differs between nodes. */
export function kernelShort(kernelVersion: string): string {
  const version = kernelVersion.trim();
  if (version === '') return '';
  const match = /^(\d+)\.(\d+)/.exec(version);
  return `kernel ${match ? `${match[1]}.${match[2]}` : version}`;
}

export function podCountText(pods: PodCounts): string {
  return `${pods.sandboxed} of ${pods.total} pod${pods.total === 1 ? '' : 's'} sandboxed`;
}

/** `Ready · containerd 1.6.20 · kernel 6.1 · amd64 · 1 of 3 pods sandboxed` */
export function nodeDescription(status: NodeSandboxStatus, pods: PodCounts | undefined): string {
  const parts = [
    status.ready ? 'Ready' : 'NotReady',
    runtimeShort(status.containerRuntime),
    kernelShort(status.kernelVersion),
    status.architecture,
    pods ? podCountText(pods) : '',
  ];
  return parts.filter((part) => part !== '').join(' · ');
}

/** What each gVisor state means for the node, for tooltips. */
export function gvisorStateText(state: SandboxState, labelValue: string | undefined): string {
  switch (state) {
    case 'ready':
      return labelValue === undefined
        ? 'gVisor: ready (the node offers the runsc runtime handler)'
        : `gVisor: ready (labelled kube-sandbox.dev/gvisor=${labelValue} by an install)`;
    case 'absent':
      return 'gVisor: absent (the node lists its runtime handlers and runsc is not one of them)';
    case 'unknown':
      return 'gVisor: unknown (the node does not list its runtime handlers, as before Kubernetes 1.30; its runtime may still have runsc)';
  }
}

/** `runsc · overhead cpu=250m, memory=160Mi · nodes kube-sandbox.dev/gvisor=…` */
export function runtimeClassDescription(rc: RuntimeClassJson): string {
  const parts = [rc.handler ?? ''];
  const overhead = mapText(rc.overhead?.podFixed);
  if (overhead) parts.push(`overhead ${overhead}`);
  const selector = mapText(rc.scheduling?.nodeSelector);
  if (selector) parts.push(`nodes ${selector}`);
  const tolerations = rc.scheduling?.tolerations?.length ?? 0;
  if (tolerations > 0) parts.push(`${tolerations} toleration${tolerations === 1 ? '' : 's'}`);
  return parts.filter((part) => part !== '').join(' · ');
}

export function mapText(map: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(', ');
}
