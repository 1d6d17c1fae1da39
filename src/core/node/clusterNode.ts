// Which Kubernetes node a machine reached over SSH is: by the address we connected to
// (InternalIP, ExternalIP, Hostname entries of status.addresses) or by its host name.
import type { NodeJson } from '../cluster/kubeObjects';

/** status.addresses, which the API server sends but kubeObjects does not model. */
type ClusterNodeRef = NodeJson & { readonly status?: { readonly addresses?: ReadonlyArray<{ readonly type?: string; readonly address?: string }> } };

export type NodeMatch = { readonly kind: 'found'; readonly name: string; readonly by: string } | { readonly kind: 'none' } | { readonly kind: 'ambiguous'; readonly names: readonly string[] };

export function findClusterNode(nodes: readonly NodeJson[], address: string | undefined, hostname: string | undefined): NodeMatch {
  const named = (n: NodeJson): string => n.metadata?.name ?? '';
  const lower = (s: string | undefined): string => (s ?? '').toLowerCase();
  const tries: Array<[string, (n: ClusterNodeRef) => boolean]> = [];
  if (address) tries.push([`address ${address}`, (n) => (n.status?.addresses ?? []).some((a) => lower(a.address) === lower(address)) || lower(named(n)) === lower(address)]);
  if (hostname) {
    const short = lower(hostname).split('.')[0] ?? '';
    tries.push([`host name ${hostname}`, (n) => lower(named(n)) === lower(hostname) || lower(named(n)) === short
      || (n.status?.addresses ?? []).some((a) => a.type === 'Hostname' && (lower(a.address) === lower(hostname) || lower(a.address) === short))]);
  }
  for (const [by, match] of tries) {
    const names = [...new Set((nodes as readonly ClusterNodeRef[]).filter(match).map(named).filter((x) => x !== ''))];
    if (names.length === 1) return { kind: 'found', name: names[0] as string, by };
    if (names.length > 1) return { kind: 'ambiguous', names };
  }
  return { kind: 'none' };
}
