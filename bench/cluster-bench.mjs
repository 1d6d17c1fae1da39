// npm run bench (second part): the cluster view against a real kube-apiserver holding 5,000 nodes
// and 20,000 pods (issue 3, item 7). Prints figures; asserts nothing.
//   - time to the first tree level (first page of nodes, then every node with its status) and to
//     the full node list with sandbox pod counts, against a raw paged list of the same objects
//     with the same client in the same run;
//   - the same through watches (what an expanded cluster keeps open);
//   - peak memory of this process;
//   - time from a node label change to the tree's update through the watch.
// BENCH_NODES / BENCH_PODS / BENCH_RUNS change the sizes. Needs scripts/testbed/install-kube.sh.
// Run with --expose-gc (npm run bench does) so that garbage from one measurement is collected
// before the next.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { locateKubeBinaries } = require('../out/test/harness/kubeTestbed.js');
const { startKubeCluster, CONTEXTS } = require('../out/test/harness/kubeCluster.js');
const { createNode, createBoundPod, inParallel } = require('../out/test/harness/kubeSeed.js');
const { createKubeApi } = require('../out/src/adapters/kube/kubeApi.js');
const { kubeConfigFor, loadKubeconfig } = require('../out/src/adapters/kube/kubeconfig.js');
const { summarizeNodes } = require('../out/src/core/cluster/nodeSummaries.js');
const { nodeSandboxStatus } = require('../out/src/core/cluster/nodeSandboxStatus.js');

const NODES = Number(process.env.BENCH_NODES ?? 5000);
const PODS = Number(process.env.BENCH_PODS ?? 20000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LABEL_CHANGES = 20;

const found = locateKubeBinaries();
if (typeof found === 'string') {
  console.log(`Cluster benchmark skipped: ${found}`);
  process.exit(process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1' ? 1 : 0);
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (n) => `${n.toFixed(0).padStart(6)} ms`;
const row = (label, value, note = '') => console.log(`    ${label.padEnd(52)}${value}${note ? `   ${note}` : ''}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();

async function timed(fn) {
  const start = now();
  const value = await fn();
  return { ms: now() - start, value };
}

const cluster = await startKubeCluster();
try {
  // --- seed -------------------------------------------------------------------------------
  const seedStart = now();
  await cluster.admin('POST', '/apis/node.k8s.io/v1/runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc' });
  const nodeNames = Array.from({ length: NODES }, (_, i) => `node-${String(i).padStart(5, '0')}`);
  await inParallel(nodeNames, 32, (name, i) =>
    createNode(cluster, name, {
      kernelVersion: '6.1.0-18-amd64',
      containerRuntimeVersion: 'containerd://1.7.2',
      ...(i % 3 === 0 ? { labels: { 'kube-sandbox.dev/gvisor': '20221219' } } : {}),
    }),
  );
  const nodesSeeded = now();
  const podIndexes = Array.from({ length: PODS }, (_, i) => i);
  await inParallel(podIndexes, 32, (i) => createBoundPod(cluster, 'default', `pod-${i}`, nodeNames[i % NODES], i % 4 === 0 ? 'gvisor' : undefined));
  const seeded = now();
  console.log(`Cluster benchmark (Node ${process.version}, kube-apiserver ${found.binDir.split('/').at(-2)})`);
  console.log(`  seeded ${NODES} nodes in ${((nodesSeeded - seedStart) / 1000).toFixed(0)} s and ${PODS} pods in ${((seeded - nodesSeeded) / 1000).toFixed(0)} s (32 requests in flight)`);

  const loaded = await loadKubeconfig({ explicitPath: cluster.kubeconfigPath });
  const api = createKubeApi(kubeConfigFor(loaded, CONTEXTS.admin));
  const options = { pageSize: 500, timeoutMs: 60_000 };

  // --- lists: raw vs the tree's ---------------------------------------------------------
  const raw = { nodes: [], pods: [] };
  const tree = { firstPage: [], firstLevel: [], full: [], summarize: [] };
  const measureRaw = async () => {
    global.gc?.();
    const nodes = await timed(() => api.listNodes(options));
    global.gc?.();
    const pods = await timed(() => api.listPods(options));
    return { nodes, pods };
  };
  for (let run = 0; run <= RUNS; run++) {
    // Alternate which goes first, and collect the garbage before each, so neither pays for the other.
    const rawFirst = run % 2 === 0 ? await measureRaw() : undefined;
    global.gc?.();
    const start = now();
    let firstPage;
    const nodesPromise = api.listNodes({
      ...options,
      onPage: () => {
        firstPage ??= now() - start;
      },
    });
    const podsPromise = api.listPods(options);
    const classesPromise = api.listRuntimeClasses(options);
    const nodes = await nodesPromise;
    nodes.map(nodeSandboxStatus);
    const firstLevel = now() - start;
    const [pods, classes] = await Promise.all([podsPromise, classesPromise]);
    const summarizeStart = now();
    const rows = summarizeNodes(nodes, pods, classes);
    const end = now();
    const { nodes: rawNodes, pods: rawPods } = rawFirst ?? (await measureRaw());
    if (rows.length !== NODES || pods.length !== PODS) throw new Error(`listed ${rows.length} nodes and ${pods.length} pods`);
    if (run === 0) continue; // warm-up
    raw.nodes.push(rawNodes.ms);
    raw.pods.push(rawPods.ms);
    tree.firstPage.push(firstPage ?? firstLevel);
    tree.firstLevel.push(firstLevel);
    tree.full.push(end - start);
    tree.summarize.push(end - summarizeStart);
  }
  const rawTotal = median(raw.nodes) + median(raw.pods);
  console.log(`  lists (median of ${RUNS}, pages of 500; the tree lists nodes, pods and classes in parallel):`);
  row(`raw paged list of ${NODES} nodes`, ms(median(raw.nodes)));
  row(`raw paged list of ${PODS} pods`, ms(median(raw.pods)));
  row('raw nodes + pods, one after the other', ms(rawTotal), '1.00x');
  row('tree: first page of nodes ready to show', ms(median(tree.firstPage)));
  row('tree: first level (every node with its status)', ms(median(tree.firstLevel)), `${(median(tree.firstLevel) / median(raw.nodes)).toFixed(2)}x of the raw node list`);
  row('tree: every node with its sandbox pod counts', ms(median(tree.full)), `${(median(tree.full) / rawTotal).toFixed(2)}x of raw nodes + pods`);
  row('  of which counting pods per node (pure code)', ms(median(tree.summarize)));

  // --- watches: sync, then label change latency -----------------------------------------
  const synced = (watchFn) =>
    new Promise((resolve, reject) => {
      const start = now();
      const listeners = [];
      const watch = watchFn({
        onEvents: (events) => listeners.forEach((l) => l(events)),
        onSynced: () => resolve({ watch, ms: now() - start, listeners }),
        onError: (err) => reject(err),
      });
    });
  const watchStart = now();
  const [nodeWatch, podWatch] = await Promise.all([
    synced((l) => api.watchNodes(l, options)),
    synced((l) => api.watchPods(l, options)),
  ]);
  const watchesSynced = now() - watchStart;
  global.gc?.();
  const heapWatching = process.memoryUsage().heapUsed;
  console.log(`  watches (what an expanded cluster keeps open):`);
  row('nodes and pods listed and being watched', ms(watchesSynced), `(nodes ${nodeWatch.ms.toFixed(0)} ms, pods ${podWatch.ms.toFixed(0)} ms)`);

  const latencies = [];
  for (let i = 0; i < LABEL_CHANGES; i++) {
    const name = nodeNames[(i * 97) % NODES];
    const value = `v${i}`;
    const seen = new Promise((resolve) => {
      const listener = (events) => {
        for (const e of events) {
          if (e.object.metadata?.name === name && e.object.metadata?.labels?.bench === value) {
            // The tree's update: the node's row recomputed from the event.
            nodeSandboxStatus(e.object);
            nodeWatch.listeners.splice(nodeWatch.listeners.indexOf(listener), 1);
            resolve(now());
          }
        }
      };
      nodeWatch.listeners.push(listener);
    });
    const start = now();
    await cluster.admin('PATCH', `/api/v1/nodes/${name}`, { metadata: { labels: { bench: value } } }, 'application/merge-patch+json');
    latencies.push((await seen) - start);
  }
  row('heap while both watches hold every object', mb(heapWatching), global.gc ? '' : '(run node with --expose-gc for a settled figure)');
  row(`node label change → tree update (${LABEL_CHANGES} changes)`, `median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
  nodeWatch.watch.dispose();
  podWatch.watch.dispose();

  clearInterval(sampler);
  console.log(`  memory: peak RSS of this process ${mb(peakRss)} (client, ${NODES} nodes and ${PODS} pods held by the lists and the watches)`);
} finally {
  clearInterval(sampler);
  await cluster.stop();
}
