// sandbox-host-path: node files reach a sandboxed pod only through the sandbox's file proxy.
import { describeWorkload } from '../workloads';
import { asMap, asSeq, findPair, get, scalarString } from '../yamlNodes';
import type { Rule, RuleFinding } from './rule';

export const sandboxHostPath: Rule = ({ workload, sandbox }) => {
  if (sandbox.kind !== 'sandboxed') return [];
  const findings: RuleFinding[] = [];
  for (const item of asSeq(get(workload.podSpec, 'volumes'))?.items ?? []) {
    const volume = asMap(item);
    const hostPath = findPair(volume, 'hostPath');
    if (!hostPath) continue;
    const path = scalarString(get(asMap(hostPath.value), 'path')) ?? '(no path)';
    const name = scalarString(get(volume, 'name')) ?? '(unnamed)';
    findings.push({
      code: 'sandbox-host-path',
      severity: 'information',
      message: `Volume "${name}" of ${describeWorkload(workload)} mounts the node's ${path} into the "${sandbox.runtimeClass}" sandbox: file access goes through the sandbox's file proxy, so it is slower, and changes made on the node may not show in the pod at once (gVisor caches file data unless the mount is shared). Prefer a volume type that is not a host path.`,
      start: hostPath.key.start,
      end: hostPath.value?.end ?? hostPath.colonEnd,
    });
  }
  return findings;
};
