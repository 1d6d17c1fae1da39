// KubeApi watches against a real kube-apiserver: list then watch, events within a second,
// RBAC refusals, reconnection after the server restarts, and disposal closing the connection
// (seen from the server's own metrics).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKubeApi, type KubeApi, type KubeWatch, type WatchEvent } from '../../../src/adapters/kube/kubeApi';
import type { KubeError } from '../../../src/adapters/kube/kubeErrors';
import { kubeConfigFor, loadKubeconfig } from '../../../src/adapters/kube/kubeconfig';
import type { NodeJson, PodJson, RuntimeClassJson } from '../../../src/core/cluster/kubeObjects';
import { CONTEXTS, type KubeCluster, startKubeCluster } from '../../harness/kubeCluster';
import { createBoundPod, createNode, createNodes } from '../../harness/kubeSeed';
import { kubeTestbedSkip } from '../../harness/kubeTestbed';

async function apiFor(cluster: KubeCluster, context: string): Promise<KubeApi> {
  const loaded = await loadKubeconfig({ explicitPath: cluster.kubeconfigPath });
  return createKubeApi(kubeConfigFor(loaded, context));
}

/** Everything a watch reported, for assertions. */
class Recorder<T extends { metadata?: { name?: string } }> {
  readonly events: { at: number; event: WatchEvent<T> }[] = [];
  readonly errors: KubeError[] = [];
  batches = 0;
  syncs = 0;
  readonly listener = {
    onEvents: (events: readonly WatchEvent<T>[]) => {
      this.batches++;
      for (const event of events) this.events.push({ at: Date.now(), event });
    },
    onSynced: () => void this.syncs++,
    onError: (error: KubeError) => void this.errors.push(error),
  };

  async waitFor<R>(what: string, find: () => R | undefined, timeoutMs = 5000): Promise<R> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        const seen = this.events.map((e) => `${e.event.type} ${e.event.object.metadata?.name ?? '?'}`).join(', ');
        assert.fail(`${what}: not within ${timeoutMs} ms (events: ${seen}; errors: ${this.errors.map((e) => e.message).join(' | ')})`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  event(type: string, name: string, since = 0): { at: number; event: WatchEvent<T> } | undefined {
    return this.events.find((e) => e.at >= since && e.event.type === type && e.event.object.metadata?.name === name);
  }
}

/** `apiserver_longrunning_gauge` for watches of `resource`: how many watch connections are open. */
async function openWatches(cluster: KubeCluster, resource: string): Promise<number> {
  const res = await cluster.admin('GET', '/metrics');
  let total = 0;
  for (const line of res.text.split('\n')) {
    if (line.startsWith('apiserver_longrunning_gauge{') && line.includes('verb="WATCH"') && line.includes(`resource="${resource}"`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

void describe('KubeApi watches against a real kube-apiserver', { skip: kubeTestbedSkip() }, () => {
  let cluster: KubeCluster;
  let api: KubeApi;
  const watches: KubeWatch<unknown>[] = [];

  before(async () => {
    cluster = await startKubeCluster();
    api = await apiFor(cluster, CONTEXTS.admin);
    await createNodes(cluster, ['w-1', 'w-2', 'w-3'], () => ({}));
  });
  after(async () => {
    for (const w of watches) w.dispose();
    await cluster?.stop();
  });

  void test('a node watch lists first (one batch), then sees a label change within a second', async () => {
    const rec = new Recorder<NodeJson>();
    const watch = api.watchNodes(rec.listener, { pageSize: 2 });
    watches.push(watch);
    await rec.waitFor('first list', () => (rec.syncs > 0 ? true : undefined));
    assert.equal(watch.synced, true);
    assert.equal(rec.batches, 1);
    assert.deepEqual(rec.events.map((e) => `${e.event.type} ${e.event.object.metadata?.name}`).sort(), ['add w-1', 'add w-2', 'add w-3']);

    const started = Date.now();
    await api.labelNode('w-2', 'kube-sandbox.dev/gvisor', '20221219');
    const seen = await rec.waitFor('label change', () => rec.event('update', 'w-2', started));
    const latency = seen.at - started;
    assert.ok(latency < 1000, `label change took ${latency} ms to arrive`);
    assert.equal(seen.event.object.metadata?.labels?.['kube-sandbox.dev/gvisor'], '20221219');
    assert.equal(watch.items().find((n) => n.metadata?.name === 'w-2')?.metadata?.labels?.['kube-sandbox.dev/gvisor'], '20221219');

    await createNode(cluster, 'w-4');
    await rec.waitFor('new node', () => rec.event('add', 'w-4'));
    await cluster.admin('DELETE', '/api/v1/nodes/w-4');
    const deleted = await rec.waitFor('deleted node', () => rec.event('delete', 'w-4'));
    assert.equal(deleted.event.object.metadata?.name, 'w-4');
    assert.deepEqual(watch.items().map((n) => n.metadata?.name).sort(), ['w-1', 'w-2', 'w-3']);
    watch.dispose();
  });

  void test('dispose closes the watch connection and no event arrives afterwards', async () => {
    const before = await openWatches(cluster, 'nodes');
    const rec = new Recorder<NodeJson>();
    const watch = api.watchNodes(rec.listener);
    await rec.waitFor('first list', () => (rec.syncs > 0 ? true : undefined));
    // The stream opens just after the list; poll the server's count until it shows.
    let open = before;
    for (let i = 0; i < 50 && open <= before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      open = await openWatches(cluster, 'nodes');
    }
    assert.equal(open, before + 1, 'the server should count one more node watch');
    watch.dispose();
    let after = open;
    for (let i = 0; i < 50 && after > before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await openWatches(cluster, 'nodes');
    }
    assert.equal(after, before, 'the server should see the watch closed');
    const count = rec.events.length;
    await api.labelNode('w-1', 'after-dispose', 'yes');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(rec.events.length, count);
  });

  void test('RuntimeClasses, and pods in one namespace on one node, are watched the same way', async () => {
    const classes = new Recorder<RuntimeClassJson>();
    watches.push(api.watchRuntimeClasses(classes.listener));
    await classes.waitFor('classes listed', () => (classes.syncs > 0 ? true : undefined));
    await api.createOrUpdateRuntimeClass({ metadata: { name: 'gvisor' }, handler: 'runsc' });
    const rc = await classes.waitFor('new class', () => classes.event('add', 'gvisor'));
    assert.equal(rc.event.object.handler, 'runsc');
    await cluster.admin('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await createBoundPod(cluster, 'team-a', 'a-1', 'w-1');
    await createBoundPod(cluster, 'team-a', 'a-2', 'w-2');
    await createBoundPod(cluster, 'default', 'd-1', 'w-1');
    const pods = new Recorder<PodJson>();
    watches.push(api.watchPods(pods.listener, { namespace: 'team-a', fieldSelector: 'spec.nodeName=w-1' }));
    await pods.waitFor('pods listed', () => (pods.syncs > 0 ? true : undefined));
    assert.deepEqual(pods.events.map((e) => e.event.object.metadata?.name), ['a-1']);
    await createBoundPod(cluster, 'team-a', 'a-3', 'w-1', 'gvisor');
    const added = await pods.waitFor('new pod', () => pods.event('add', 'a-3'));
    assert.equal(added.event.object.spec?.runtimeClassName, 'gvisor');

  });

  void test('a user RBAC forbids to watch nodes gets the 403 through onError, retried with backoff', async () => {
    const narrow = await apiFor(cluster, CONTEXTS.narrow);
    const rec = new Recorder<NodeJson>();
    const watch = narrow.watchNodes(rec.listener, { backoff: { initialMs: 100, maxMs: 200 } });
    try {
      await rec.waitFor('two refusals', () => (rec.errors.length >= 2 ? true : undefined));
      assert.equal(rec.errors[0]?.kind, 'forbidden');
      assert.match(rec.errors[0]?.message ?? '', /^RBAC forbids kube-sandbox-viewer to list nodes on /);
      assert.equal(watch.synced, false);
    } finally {
      watch.dispose();
    }
    // The same user may watch pods: the list succeeds and so does the watch itself.
    const pods = new Recorder<PodJson>();
    const podWatch = narrow.watchPods(pods.listener);
    try {
      await pods.waitFor('pods listed', () => (pods.syncs > 0 ? true : undefined));
      await createBoundPod(cluster, 'default', 'd-2', 'w-3');
      await pods.waitFor('pod seen by the narrow user', () => pods.event('add', 'd-2'));
    } finally {
      podWatch.dispose();
    }
  });

  void test('the server restarted: the watch reports it, reconnects, and misses nothing', async () => {
    const rec = new Recorder<NodeJson>();
    const watch = api.watchNodes(rec.listener, { backoff: { initialMs: 200, maxMs: 1000 }, timeoutMs: 2000 });
    watches.push(watch);
    await rec.waitFor('first list', () => (rec.syncs > 0 ? true : undefined));
    await cluster.stopApiServer();
    await rec.waitFor('the failure reported', () => (rec.errors.length > 0 ? true : undefined), 10_000);
    assert.equal(rec.errors[0]?.kind, 'unreachable');
    await cluster.startApiServer();
    // Changes made right after the restart arrive, whether through the resumed watch or a relist.
    const started = Date.now();
    await api.labelNode('w-3', 'after-restart', 'yes');
    await cluster.admin('DELETE', '/api/v1/nodes/w-2');
    await rec.waitFor('label after restart', () => rec.event('update', 'w-3', started), 10_000);
    await rec.waitFor('delete after restart', () => rec.event('delete', 'w-2'), 10_000);
    assert.deepEqual(watch.items().map((n) => n.metadata?.name).sort(), ['w-1', 'w-3']);
  });
});

/** Compacts etcd's history up to now, through its v3 JSON gateway: older revisions are gone. */
async function compactEtcd(etcdUrl: string): Promise<void> {
  const range = await fetch(`${etcdUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: Buffer.from('/').toString('base64') }) });
  const { header } = (await range.json()) as { header: { revision: string } };
  const compact = await fetch(`${etcdUrl}/v3/kv/compaction`, { method: 'POST', body: JSON.stringify({ revision: header.revision, physical: true }) });
  assert.equal(compact.status, 200, await compact.text());
}

void describe('a watch whose resourceVersion the server has forgotten (410 Gone)', { skip: kubeTestbedSkip() }, () => {
  let cluster: KubeCluster;

  before(async () => {
    // Without the watch cache the apiserver watches etcd directly, so compacting etcd's history
    // makes the watch's resourceVersion expire for certain.
    cluster = await startKubeCluster({ apiServerArgs: ['--watch-cache=false'] });
    await createNodes(cluster, ['g-1', 'g-2', 'g-3'], () => ({}));
  });
  after(async () => {
    await cluster?.stop();
  });

  void test('lists again, and turns the difference into delete and update events', async () => {
    const api = await apiFor(cluster, CONTEXTS.admin);
    const rec = new Recorder<NodeJson>();
    // A long first retry leaves time to change things while the watch is away.
    const watch = api.watchNodes(rec.listener, { backoff: { initialMs: 9000, maxMs: 9000 }, timeoutMs: 2000 });
    try {
      await rec.waitFor('first list', () => (rec.syncs > 0 ? true : undefined));
      await cluster.stopApiServer();
      await rec.waitFor('the failure reported', () => (rec.errors.length > 0 ? true : undefined), 10_000);
      await cluster.startApiServer();
      await cluster.admin('DELETE', '/api/v1/nodes/g-1');
      await cluster.admin('PATCH', '/api/v1/nodes/g-2', { metadata: { labels: { changed: 'while-away' } } }, 'application/merge-patch+json');
      await compactEtcd(cluster.etcdUrl);
      await rec.waitFor('second list', () => (rec.syncs > 1 ? true : undefined), 15_000);
      const deleted = rec.event('delete', 'g-1');
      const updated = rec.event('update', 'g-2');
      assert.ok(deleted && updated, 'the relist should report g-1 deleted and g-2 updated');
      assert.equal(updated.event.object.metadata?.labels?.['changed'], 'while-away');
      assert.equal(rec.event('update', 'g-3'), undefined, 'g-3 did not change');
      assert.deepEqual(watch.items().map((n) => n.metadata?.name).sort(), ['g-2', 'g-3']);
    } finally {
      watch.dispose();
    }
  });
});
