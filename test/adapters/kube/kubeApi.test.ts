// KubeApi against a real kube-apiserver (test/harness/kubeCluster.ts): paging, RBAC, network
// failures, deadlines, RuntimeClass create/update, admission refusals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKubeApi, type KubeApi } from '../../../src/adapters/kube/kubeApi';
import { kubeConfigFor, loadKubeconfig } from '../../../src/adapters/kube/kubeconfig';
import { nodeSandboxStatus } from '../../../src/core/cluster/nodeSandboxStatus';
import { CONTEXTS, NARROW_USER, startKubeCluster, type KubeCluster } from '../../harness/kubeCluster';
import { createBoundPod, createNodes } from '../../harness/kubeSeed';
import { kubeTestbedSkip } from '../../harness/kubeTestbed';
import { kubeError } from '../../harness/kubeAssertions';

async function apiFor(cluster: KubeCluster, context: string): Promise<KubeApi> {
  const loaded = await loadKubeconfig({ explicitPath: cluster.kubeconfigPath });
  return createKubeApi(kubeConfigFor(loaded, context));
}

void describe('KubeApi against a real kube-apiserver', { skip: kubeTestbedSkip() }, () => {
  let cluster: KubeCluster;
  let api: KubeApi;

  before(async () => {
    cluster = await startKubeCluster();
    api = await apiFor(cluster, CONTEXTS.admin);
  });
  after(async () => {
    await cluster?.stop();
  });

  void test('30 nodes with patched status come back in pages of 7', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
    await createNodes(cluster, names, (_, i) => ({
      ready: i % 10 !== 3,
      kernelVersion: `6.1.0-${i}-amd64`,
      runtimeHandlers: i % 2 === 0 ? ['', 'runc', 'runsc'] : ['', 'runc'],
    }));
    const pages: number[] = [];
    const nodes = await api.listNodes({ pageSize: 7, onPage: (items) => pages.push(items.length) });
    assert.deepEqual(pages, [7, 7, 7, 7, 2]);
    assert.deepEqual(nodes.map((n) => n.metadata?.name).sort(), names);

    const n3 = nodeSandboxStatus(nodes.find((n) => n.metadata?.name === 'node-03') ?? {});
    assert.equal(n3.ready, false);
    assert.equal(n3.kernelVersion, '6.1.0-3-amd64');
    assert.equal(n3.containerRuntime, 'containerd://1.7.2');
    assert.equal(n3.architecture, 'amd64');
    // This API server (1.20) predates status.runtimeHandlers (1.30) and drops the field, so
    // only our label can say "ready" here; the handler rules are unit-tested.
    assert.equal(nodes.find((n) => n.metadata?.name === 'node-00')?.status?.runtimeHandlers, undefined);
    assert.equal(n3.sandbox.gvisor, 'unknown');
  });

  void test('a node labelled by us reads as gVisor-ready; removing the label undoes it', async () => {
    const labelled = await api.labelNode('node-05', 'kube-sandbox.dev/gvisor', '20221219');
    assert.equal(labelled.metadata?.labels?.['kube-sandbox.dev/gvisor'], '20221219');
    const [node] = await api.listNodes({ fieldSelector: 'metadata.name=node-05' });
    assert.equal(nodeSandboxStatus(node ?? {}).sandbox.gvisor, 'ready');
    const unlabelled = await api.labelNode('node-05', 'kube-sandbox.dev/gvisor', null);
    assert.equal(unlabelled.metadata?.labels?.['kube-sandbox.dev/gvisor'], undefined);
    assert.equal(unlabelled.metadata?.labels?.['kubernetes.io/hostname'], 'node-05');
  });

  void test('labelling a node that does not exist is a plain 404', async () => {
    const err = await kubeError(api.labelNode('no-such-node', 'a', 'b'));
    assert.equal(err.kind, 'notFound');
    assert.match(err.message, /has no nodes "no-such-node" \(404 Not Found\)/);
  });

  void test('pods are listed per node with a field selector, in pages', async () => {
    for (let i = 0; i < 5; i++) await createBoundPod(cluster, 'default', `p-${i}`, i < 3 ? 'node-10' : 'node-11');
    const pages: number[] = [];
    const onNode = await api.listPods({ fieldSelector: 'spec.nodeName=node-10', pageSize: 2, onPage: (p) => pages.push(p.length) });
    assert.deepEqual(onNode.map((p) => p.metadata?.name).sort(), ['p-0', 'p-1', 'p-2']);
    assert.deepEqual(pages, [2, 1]);
    assert.equal((await api.listPods({ namespace: 'default' })).length, 5);
  });

  void test('a user whose RBAC forbids listing nodes gets a 403 naming the verb and resource', async () => {
    const narrow = await apiFor(cluster, CONTEXTS.narrow);
    const err = await kubeError(narrow.listNodes());
    assert.equal(err.kind, 'forbidden');
    assert.equal(err.status, 403);
    assert.match(err.message, new RegExp(`^RBAC forbids ${NARROW_USER} to list nodes on https://127\\.0\\.0\\.1:\\d+\\. Ask a cluster admin`));
    // The same user may list pods and RuntimeClasses: the 403 is about nodes only.
    await narrow.listPods();
    // Reading RuntimeClasses is allowed, creating one is not.
    const rcErr = await kubeError(narrow.createOrUpdateRuntimeClass({ metadata: { name: 'x' }, handler: 'runsc' }));
    assert.equal(rcErr.kind, 'forbidden');
    assert.match(rcErr.message, new RegExp(`^RBAC forbids ${NARROW_USER} to create runtimeclasses\\.node\\.k8s\\.io on `));
    // A namespaced refusal names the namespace.
    const podErr = await kubeError(narrow.createPod('default', { metadata: { name: 'p' }, spec: {} }));
    assert.equal(podErr.kind, 'forbidden');
    assert.match(podErr.message, new RegExp(`^RBAC forbids ${NARROW_USER} to create pods in namespace "default" on `));
  });

  void test('refused credentials are a 401 with a plain message', async () => {
    const loaded = await loadKubeconfig({ explicitPath: cluster.kubeconfigPath });
    const kc = kubeConfigFor(loaded, CONTEXTS.admin);
    const user = kc.getCurrentUser();
    assert.ok(user);
    Object.assign(user, { token: 'not-a-valid-token' });
    const err = await kubeError(createKubeApi(kc).listNodes());
    assert.equal(err.kind, 'unauthorized');
    assert.match(err.message, /refused the credentials of user "kube-sandbox-admin" \(401 Unauthorized\)/);
  });

  void test('a closed port is "cannot reach" well within the deadline', async () => {
    const unreachable = await apiFor(cluster, CONTEXTS.unreachable);
    const started = Date.now();
    const err = await kubeError(unreachable.listNodes({ timeoutMs: 3000 }));
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.equal(err.kind, 'unreachable');
    assert.equal(
      err.message,
      `Cannot reach the cluster at ${cluster.unreachableServer}: nothing is listening there (connection refused). ` +
        `Check that the cluster is running and that the kubeconfig's server address is right.`,
    );
  });

  void test('a server that stops answering hits the deadline; a cancel ends the call at once', async () => {
    cluster.pauseApiServer();
    try {
      let started = Date.now();
      const err = await kubeError(api.listNodes({ timeoutMs: 1500 }));
      const took = Date.now() - started;
      assert.equal(err.kind, 'timeout');
      assert.ok(took >= 1400 && took < 3000, `took ${took} ms`);
      assert.match(err.message, /did not answer within 1\.5 s \(list nodes\)/);

      const controller = new AbortController();
      started = Date.now();
      const pending = api.listRuntimeClasses({ signal: controller.signal, timeoutMs: 60_000 });
      setTimeout(() => controller.abort(), 200);
      const cancelled = await kubeError(pending);
      assert.equal(cancelled.kind, 'cancelled');
      assert.ok(Date.now() - started < 2000);
    } finally {
      cluster.resumeApiServer();
    }
  });

  void test('the server stopped mid-session is an error; after a restart the same call works', async () => {
    assert.equal((await api.listNodes()).length, 30);
    await cluster.stopApiServer();
    const err = await kubeError(api.listNodes({ timeoutMs: 3000 }));
    assert.equal(err.kind, 'unreachable');
    assert.match(err.message, /^Cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+: nothing is listening there/);
    await cluster.startApiServer();
    assert.equal((await api.listNodes()).length, 30);
  });

  void test('a RuntimeClass created twice is "unchanged" the second time', async () => {
    const gvisor = { metadata: { name: 'gvisor' }, handler: 'runsc' };
    const first = await api.createOrUpdateRuntimeClass(gvisor);
    assert.equal(first.outcome, 'created');
    assert.equal(first.runtimeClass.handler, 'runsc');
    const second = await api.createOrUpdateRuntimeClass(gvisor);
    assert.equal(second.outcome, 'unchanged');
    assert.deepEqual((await api.listRuntimeClasses()).map((rc) => rc.metadata?.name), ['gvisor']);
  });

  void test('a changed handler is "updated" with the change (the class is recreated: handler is immutable)', async () => {
    const result = await api.createOrUpdateRuntimeClass({ metadata: { name: 'gvisor' }, handler: 'kata-qemu' });
    assert.equal(result.outcome, 'updated');
    assert.ok(result.outcome === 'updated');
    assert.deepEqual(result.changes, [{ field: 'handler', from: 'runsc', to: 'kata-qemu' }]);
    assert.equal(result.recreated, true);
    assert.equal(result.runtimeClass.handler, 'kata-qemu');
  });

  void test('overhead and scheduling update in place; a server-normalised quantity is "unchanged"', async () => {
    const desired = {
      metadata: { name: 'gvisor' },
      handler: 'kata-qemu',
      overhead: { podFixed: { memory: '1Gi', cpu: '250m' } },
      scheduling: { nodeSelector: { 'kube-sandbox.dev/gvisor': '20221219' } },
    };
    const updated = await api.createOrUpdateRuntimeClass(desired);
    assert.ok(updated.outcome === 'updated', updated.outcome);
    assert.equal(updated.recreated, false);
    assert.deepEqual(updated.changes.map((c) => c.field), ['overhead.podFixed', 'scheduling.nodeSelector']);
    // 1024Mi is 1Gi: the server stores it as it was, so nothing changed.
    const same = await api.createOrUpdateRuntimeClass({ ...desired, overhead: { podFixed: { memory: '1024Mi', cpu: '250m' } } });
    assert.equal(same.outcome, 'unchanged');
  });

  void test('a Pod naming a missing RuntimeClass is refused: RuntimeClass "nope" not found', async () => {
    const pod = {
      metadata: { name: 'bad' },
      spec: { runtimeClassName: 'nope', containers: [{ name: 'main', image: 'busybox' }] },
    };
    for (const dryRun of [true, false]) {
      const err = await kubeError(api.createPod('default', pod, { dryRun }));
      assert.equal(err.kind, 'rejected');
      assert.equal(err.status, 403);
      assert.match(err.message, /^The cluster refused to create pods "bad": pods "bad" is forbidden: pod rejected: RuntimeClass "nope" not found$/);
    }
    const ok = await api.createPod('default', { ...pod, spec: { ...pod.spec, runtimeClassName: 'gvisor' } }, { dryRun: true });
    assert.equal(ok.spec?.runtimeClassName, 'gvisor');
  });
});
