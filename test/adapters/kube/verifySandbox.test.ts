// Verify Sandbox end to end on a real node: a kubelet with containerd runs a runc pod, exec goes
// apiserver → kubelet → containerd, and the real kernels give "not sandboxed". (A gVisor pod
// cannot run through the CRI here — TESTBED.md §4 — so the gVisor verdict is unit-tested on
// output captured from real `runsc do` runs.)
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { createKubeApi, type KubeApi } from '../../../src/adapters/kube/kubeApi';
import { KubeError } from '../../../src/adapters/kube/kubeErrors';
import { kubeConfigFor, loadKubeconfig } from '../../../src/adapters/kube/kubeconfig';
import { runCli } from '../../../src/cli/main';
import { VerifyProblem, verifySandbox } from '../../../src/core/cluster/verifySandbox';
import { CONTEXTS, startKubeCluster, type KubeCluster } from '../../harness/kubeCluster';
import { kubeNodeMissing, NODE_NAME, startBusyboxPod, startKubeNode, type KubeNode } from '../../harness/kubeNode';
import { kubeTestbedSkip, locateKubeBinaries, testbedRequired } from '../../harness/kubeTestbed';

function nodeSkip(): string | false {
  const kube = kubeTestbedSkip();
  if (kube) return kube;
  const binaries = locateKubeBinaries();
  if (typeof binaries === 'string') return binaries;
  const missing = kubeNodeMissing({ binaries });
  if (!missing) return false;
  if (testbedRequired()) throw new Error(`${missing} (KUBE_SANDBOX_REQUIRE_TESTBED=1)`);
  return missing;
}

async function apiFor(cluster: KubeCluster, context: string): Promise<KubeApi> {
  const loaded = await loadKubeconfig({ explicitPath: cluster.kubeconfigPath });
  return createKubeApi(kubeConfigFor(loaded, context));
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { cwd: process.cwd(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

void describe('Verify Sandbox on a real kubelet node', { skip: nodeSkip() }, () => {
  let cluster: KubeCluster;
  let node: KubeNode;
  let api: KubeApi;

  before(async () => {
    cluster = await startKubeCluster();
    node = await startKubeNode(cluster);
    api = await apiFor(cluster, CONTEXTS.admin);
    await startBusyboxPod(cluster, 'default', 'plain');
  });
  after(async () => {
    await node?.stop();
    await cluster?.stop();
  });

  void test('the node registers with its real kernel and runtime', async () => {
    const n = await api.readNode(NODE_NAME);
    assert.equal(n.status?.nodeInfo?.kernelVersion, os.release());
    assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\//);
  });

  void test('exec returns output and exit codes; a missing command is exit -1 with the reason', async () => {
    const uname = await api.exec('default', 'plain', 'main', ['uname', '-r']);
    assert.deepEqual({ ...uname, stdout: uname.stdout.trim() }, { stdout: os.release(), stderr: '', exitCode: 0, truncated: false });
    const failing = await api.exec('default', 'plain', 'main', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepEqual(failing, { stdout: 'out\n', stderr: 'err\n', exitCode: 3, truncated: false });
    const missing = await api.exec('default', 'plain', 'main', ['no-such-command']);
    assert.notEqual(missing.exitCode, 0);
    assert.match(missing.stderr, /no-such-command|not found|executable/);
  });

  void test('exec has a deadline and can be cancelled', async () => {
    const started = Date.now();
    const err = await api.exec('default', 'plain', 'main', ['sleep', '30'], { timeoutMs: 1000 }).then(
      () => assert.fail('expected a timeout'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeError && err.kind === 'timeout', String(err));
    assert.ok(Date.now() - started < 3000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelled = await api.exec('default', 'plain', 'main', ['sleep', '30'], { signal: controller.signal }).then(
      () => assert.fail('expected a cancel'),
      (e: unknown) => e,
    );
    assert.ok(cancelled instanceof KubeError && cancelled.kind === 'cancelled', String(cancelled));
  });

  void test('a runc pod is "not sandboxed", with the real kernels as evidence', async () => {
    const result = await verifySandbox(api, { namespace: 'default', pod: 'plain' });
    assert.equal(result.verdict, 'none');
    assert.equal(result.container, 'main');
    assert.equal(result.node, NODE_NAME);
    assert.ok(result.evidence.includes(`Container kernel (uname -r): ${os.release()}`), result.evidence.join('\n'));
    assert.ok(result.evidence.includes(`Node kernel (status.nodeInfo.kernelVersion): ${os.release()}`));
    assert.match(result.summary, /^Not sandboxed/);
  });

  void test('a container that does not exist, and a pod not yet running, are plain problems', async () => {
    await assert.rejects(verifySandbox(api, { namespace: 'default', pod: 'plain', container: 'nope' }), (e: unknown) => e instanceof VerifyProblem && /has no container "nope"; its containers are main/.test(e.message));
    await cluster.admin('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unscheduled' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    await assert.rejects(verifySandbox(api, { namespace: 'default', pod: 'unscheduled' }), /is not scheduled to a node yet/);
    await assert.rejects(verifySandbox(api, { namespace: 'default', pod: 'gone' }), (e: unknown) => e instanceof KubeError && e.kind === 'notFound');
  });

  void test('kube-sandbox verify: exit 1 for a runc pod, with the evidence', async () => {
    const { code, stdout, stderr } = await cli(['verify', 'plain', '-n', 'default', '--kubeconfig', cluster.kubeconfigPath]);
    assert.equal(stderr, '');
    assert.equal(code, 1);
    assert.match(stdout, /^Not sandboxed: /);
    assert.ok(stdout.includes(`Container kernel (uname -r): ${os.release()}`), stdout);
  });
});
