// `kube-sandbox nodes`, `runtimeclass create` and `verify`, in-process, against a real
// kube-apiserver (test/harness/kubeCluster.ts). Verify on a running pod needs a kubelet: see
// test/adapters/kube/verifySandbox.test.ts.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { CONTEXTS, NARROW_USER, startKubeCluster, type KubeCluster } from '../../harness/kubeCluster';
import { createBoundPod, createNodes } from '../../harness/kubeSeed';
import { kubeTestbedSkip } from '../../harness/kubeTestbed';
import { runInAsync, type CliRun } from './cliTestKit';

void describe('cluster commands against a real kube-apiserver', { skip: kubeTestbedSkip() }, () => {
  let cluster: KubeCluster;
  const run = (...args: string[]): Promise<CliRun> => runInAsync(os.tmpdir(), ...args, '--kubeconfig', cluster.kubeconfigPath);

  before(async () => {
    cluster = await startKubeCluster();
    await createNodes(cluster, ['node-a', 'node-b', 'node-c'], (name) => ({
      ready: name !== 'node-c',
      kernelVersion: '6.1.0-18-amd64',
      containerRuntimeVersion: 'containerd://1.7.2',
      architecture: name === 'node-b' ? 'arm64' : 'amd64',
      ...(name === 'node-a' ? { labels: { 'kube-sandbox.dev/gvisor': '20221219' } } : {}),
    }));
  });
  after(async () => {
    await cluster?.stop();
  });

  void test('runtimeclass create: created, then unchanged, then updated with the change named', async () => {
    const first = await run('runtimeclass', 'create', 'gvisor');
    assert.deepEqual(first, { code: 0, stdout: 'created: RuntimeClass "gvisor" (handler runsc). Pods opt in with runtimeClassName: gvisor.\n', stderr: '' });
    const again = await run('runtimeclass', 'create', 'gvisor');
    assert.deepEqual(again, { code: 0, stdout: 'unchanged: RuntimeClass "gvisor" already matches (handler runsc).\n', stderr: '' });
    const selected = await run('runtimeclass', 'create', 'gvisor', '--node-selector', 'kube-sandbox.dev/gvisor=20221219');
    assert.equal(selected.code, 0, selected.stderr);
    assert.equal(selected.stdout, 'updated: RuntimeClass "gvisor": scheduling.nodeSelector: (none) → kube-sandbox.dev/gvisor=20221219.\n');
    const kata = await run('runtimeclass', 'create', 'kata-qemu', '--name', 'vm');
    assert.equal(kata.code, 0, kata.stderr);
    const rc = await cluster.admin('GET', '/apis/node.k8s.io/v1/runtimeclasses/vm');
    assert.deepEqual((rc.body as { overhead?: unknown }).overhead, { podFixed: { cpu: '250m', memory: '160Mi' } });
    const recreated = await run('runtimeclass', 'create', 'kata-clh', '--name', 'vm');
    assert.equal(recreated.code, 0, recreated.stderr);
    assert.match(recreated.stdout, /^updated: RuntimeClass "vm": handler: kata-qemu → kata-clh; overhead\.podFixed: cpu=250m, memory=160Mi → cpu=250m, memory=130Mi\.\nThe handler cannot change in place/);
  });

  void test('runtimeclass create --dry-run prints the YAML and contacts nothing', async () => {
    const { code, stdout, stderr } = await runInAsync(os.tmpdir(), 'runtimeclass', 'create', 'kata-fc', '--dry-run', '--kubeconfig', '/nonexistent');
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.equal(
      stdout,
      'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: kata-fc\nhandler: kata-fc\noverhead:\n  podFixed:\n    memory: 130Mi\n    cpu: 250m\n',
    );
  });

  void test('runtimeclass usage errors are exit 2 with a pointer to --help', async () => {
    for (const [args, message] of [
      [['runtimeclass', 'create', 'firecracker'], /unknown sandbox 'firecracker': use one of gvisor, kata-qemu, kata-clh, kata-fc/],
      [['runtimeclass', 'delete', 'gvisor'], /unknown action 'delete'/],
      [['runtimeclass', 'create', 'gvisor', '--node-selector', 'nolabel'], /"nolabel" is not a node selector: write it as key=value/],
      [['runtimeclass', 'create', 'gvisor', '--name', 'Not_Valid'], /cannot name a RuntimeClass/],
    ] as const) {
      const result = await run(...args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Run 'kube-sandbox runtimeclass --help' for usage/);
    }
  });

  void test('nodes --output json: the documented shape, pods counted by what their class points at', async () => {
    // "gvisor" points at runsc (first test); "fake" is named like a sandbox but runs runc.
    await cluster.admin('POST', '/apis/node.k8s.io/v1/runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'fake-sandbox' }, handler: 'runc' });
    await createBoundPod(cluster, 'default', 'a-1', 'node-a', 'gvisor');
    await createBoundPod(cluster, 'default', 'a-2', 'node-a', 'fake-sandbox');
    await createBoundPod(cluster, 'default', 'a-3', 'node-a');
    await createBoundPod(cluster, 'default', 'b-1', 'node-b', 'gvisor');
    const { code, stdout, stderr } = await run('nodes', '--output', 'json');
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const base = { containerRuntime: 'containerd://1.7.2', kernelVersion: '6.1.0-18-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)' };
    assert.deepEqual(JSON.parse(stdout), [
      { name: 'node-a', ready: true, ...base, architecture: 'amd64', sandbox: { gvisor: 'ready' }, pods: { total: 3, sandboxed: 1 } },
      { name: 'node-b', ready: true, ...base, architecture: 'arm64', sandbox: { gvisor: 'unknown' }, pods: { total: 1, sandboxed: 1 } },
      { name: 'node-c', ready: false, ...base, architecture: 'amd64', sandbox: { gvisor: 'unknown' }, pods: { total: 0, sandboxed: 0 } },
    ]);
  });

  void test('nodes as text: a table and a one-line summary', async () => {
    const { code, stdout } = await run('nodes', '--context', CONTEXTS.admin);
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+READY\s+RUNTIME\s+KERNEL\s+ARCH\s+GVISOR\s+SANDBOXED PODS$/);
    assert.match(lines[1] ?? '', /^node-a\s+yes\s+containerd:\/\/1\.7\.2\s+6\.1\.0-18-amd64\s+amd64\s+ready\s+1 of 3$/);
    assert.match(lines[3] ?? '', /^node-c\s+no\s+/);
    assert.ok(stdout.includes('3 nodes: gVisor ready on 1, unknown on 2, absent on 0; 2 of 4 pods sandboxed.'), stdout);
  });

  void test('a user RBAC forbids to list nodes: exit 2 with the plain 403 message', async () => {
    const { code, stdout, stderr } = await run('nodes', '--context', CONTEXTS.narrow);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`^kube-sandbox nodes: RBAC forbids ${NARROW_USER} to list nodes on https://127\\.0\\.0\\.1:\\d+\\. Ask a cluster admin`));
    // May read RuntimeClasses, not write them.
    const rc = await run('runtimeclass', 'create', 'gvisor', '--name', 'not-yet', '--context', CONTEXTS.narrow);
    assert.equal(rc.code, 2);
    assert.match(rc.stderr, new RegExp(`^kube-sandbox runtimeclass: RBAC forbids ${NARROW_USER} to create runtimeclasses\\.node\\.k8s\\.io on `));
  });

  void test('an unreachable cluster: exit 2, "cannot reach", within the deadline', async () => {
    const started = Date.now();
    const { code, stderr } = await run('nodes', '--context', CONTEXTS.unreachable, '--timeout', '3');
    assert.equal(code, 2);
    assert.ok(Date.now() - started < 3000);
    assert.match(stderr, /^kube-sandbox nodes: Cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+: nothing is listening there/);
  });

  void test('a server that does not answer: --timeout bounds the wait', async () => {
    cluster.pauseApiServer();
    try {
      const started = Date.now();
      const { code, stderr } = await run('nodes', '--timeout', '1');
      assert.equal(code, 2);
      assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
      assert.match(stderr, /did not answer within 1 s/);
    } finally {
      cluster.resumeApiServer();
    }
  });

  void test('verify: a missing pod, an unscheduled pod, and bad usage are exit 2 with a reason', async () => {
    const missing = await run('verify', 'nope', '-n', 'default');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^kube-sandbox verify: The cluster at .* has no pods "nope" \(404 Not Found\)/);
    await cluster.admin('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting' }, spec: { containers: [{ name: 'app', image: 'busybox' }] },
    });
    const waiting = await run('verify', 'waiting');
    assert.equal(waiting.code, 2);
    assert.equal(waiting.stderr, 'kube-sandbox verify: Pod "waiting" in namespace "default" is not scheduled to a node yet. Verify it once it runs.\n');
    const bound = await run('verify', 'a-3');
    assert.equal(bound.code, 2);
    assert.match(bound.stderr, /container "main" is not running \(pod phase Pending\)/);
    const usage = await run('verify');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /name the pod to verify/);
    const timeout = await run('nodes', '--timeout', 'soon');
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /--timeout needs a number of seconds above 0, got 'soon'/);
  });

  void test('help for each command', async () => {
    for (const command of ['nodes', 'runtimeclass', 'verify']) {
      const { code, stdout } = await runInAsync(os.tmpdir(), command, '--help');
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Usage: kube-sandbox ${command}`));
    }
  });
});
