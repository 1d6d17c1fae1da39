// A deterministic multi-document manifest with every workload kind mixed, some sandboxed, some
// exempt, some with the host namespaces and privileges the rules look for — as a real repo is.
const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod', 'PodTemplate'];

function podSpec(i, indent) {
  const pad = ' '.repeat(indent);
  const lines = [];
  if (i % 3 === 0) lines.push('runtimeClassName: gvisor');
  if (i % 11 === 0) lines.push('hostNetwork: true');
  lines.push(
    'containers:',
    `  - name: app-${i}`,
    `    image: registry.example.com/team/app:${1 + (i % 40)}.${i % 7}`,
    '    env:',
    `      - {name: LOG_LEVEL, value: "${i % 2 ? 'info' : 'debug'}"}`,
    '    resources: {limits: {cpu: 500m, memory: 256Mi}}',
    `    securityContext: {privileged: ${i % 13 === 0}}`,
    'volumes:',
    '  - name: data',
    i % 17 === 0 ? '    hostPath: {path: /var/lib/data}' : '    emptyDir: {}',
  );
  return lines.map((line) => pad + line).join('\n');
}

function metadata(i, indent) {
  const pad = ' '.repeat(indent);
  const lines = [`name: w-${i}`, `namespace: team-${i % 9}`];
  if (i % 23 === 0) lines.push('annotations:', '  kube-sandbox.dev/unsandboxed-reason: "node agent"');
  return lines.map((line) => pad + line).join('\n');
}

function workload(i) {
  const kind = KINDS[i % KINDS.length];
  const head = `apiVersion: ${kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : kind === 'Pod' || kind === 'PodTemplate' || kind === 'ReplicationController' ? 'v1' : 'apps/v1'}\nkind: ${kind}\nmetadata:\n${metadata(i, 2)}\n`;
  switch (kind) {
    case 'Pod':
      return `${head}spec:\n${podSpec(i, 2)}\n`;
    case 'PodTemplate':
      return `${head}template:\n  metadata:\n    labels: {app: w-${i}}\n  spec:\n${podSpec(i, 4)}\n`;
    case 'CronJob':
      return `${head}spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n${podSpec(i, 10)}\n`;
    default:
      return `${head}spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: w-${i}}\n  template:\n    metadata:\n      labels: {app: w-${i}}\n    spec:\n${podSpec(i, 6)}\n`;
  }
}

/** `count` workloads, one document each, with a Service after every tenth. */
export function generateManifests(count) {
  const docs = [];
  for (let i = 0; i < count; i++) {
    docs.push(workload(i));
    if (i % 10 === 9) docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}}\nspec:\n  ports: [{port: 80}]\n`);
  }
  return docs.join('---\n');
}
