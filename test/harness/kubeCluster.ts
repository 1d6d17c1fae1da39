// A real Kubernetes control plane for tests (shared TESTBED.md §3): Debian's etcd and a
// kube-apiserver built by scripts/testbed/install-kube.sh, on free loopback ports in a temp
// folder, with token users, RBAC, and a kubeconfig the code under test loads as a user's.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { delay, freePort, keepOnExit, logTail, removeOnExit, startDaemon, stopDaemon, type Daemon } from './kubeProcess';
import { kubeRequest, kubeRequestOk, type KubeRestResponse } from './kubeRest';
import { KubeTestbedMissingError, locateKubeBinaries, type KubeBinaries } from './kubeTestbed';

export const ADMIN_USER = 'kube-sandbox-admin';
export const NARROW_USER = 'kube-sandbox-viewer';
export const CONTEXTS = { admin: 'testbed-admin', narrow: 'testbed-viewer', unreachable: 'testbed-unreachable' } as const;

export interface KubeCluster {
  readonly dir: string;
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:PORT of the apiserver. */
  readonly server: string;
  /** A server URL on which nothing listens (the `unreachable` context). */
  readonly unreachableServer: string;
  /** http://127.0.0.1:PORT of etcd (its v3 JSON gateway answers there too). */
  readonly etcdUrl: string;
  readonly adminToken: string;
  readonly narrowToken: string;
  readonly binaries: KubeBinaries;
  /** A request as the admin user, for test setup; throws on a status outside 2xx. */
  admin(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<KubeRestResponse>;
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  /** Stops the apiserver and starts it again on the same port, against the same etcd. */
  restart(): Promise<void>;
  /**
   * Freezes the apiserver (SIGSTOP): the kernel still accepts connections on its port, but
   * nothing answers, as with an overloaded server or a dead link. `resumeApiServer` thaws it.
   */
  pauseApiServer(): void;
  resumeApiServer(): void;
  /** Stops everything and removes the temp folder. */
  stop(): Promise<void>;
}

/** etcd's data on tmpfs when there is one: thousands of writes in the benchmark need no fsync. */
function etcdDataRoot(fallback: string): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return fs.mkdtempSync('/dev/shm/kube-sandbox-etcd-');
  } catch {
    return path.join(fallback, 'etcd');
  }
}

function writeServiceAccountKeys(dir: string): { pub: string; key: string } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pub = path.join(dir, 'sa.pub');
  const key = path.join(dir, 'sa.key');
  fs.writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return { pub, key };
}

async function waitFor(what: string, daemon: Daemon, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: string | undefined;
  void daemon.exited.then((how) => (gone = how));
  for (;;) {
    if (gone !== undefined) throw new Error(`${daemon.name} exited (${gone}) before ${what}:\n${logTail(daemon.logFile)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms. ${daemon.name} log:\n${logTail(daemon.logFile)}`);
    await delay(100);
  }
}

function writeKubeconfig(file: string, server: string, unreachable: string, ca: string, tokens: { admin: string; narrow: string }): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': CONTEXTS.admin,
    clusters: [
      { name: 'testbed', cluster: { server, 'certificate-authority': ca } },
      { name: 'testbed-closed-port', cluster: { server: unreachable, 'certificate-authority': ca } },
    ],
    users: [
      { name: ADMIN_USER, user: { token: tokens.admin } },
      { name: NARROW_USER, user: { token: tokens.narrow } },
    ],
    contexts: [
      { name: CONTEXTS.admin, context: { cluster: 'testbed', user: ADMIN_USER, namespace: 'default' } },
      { name: CONTEXTS.narrow, context: { cluster: 'testbed', user: NARROW_USER } },
      { name: CONTEXTS.unreachable, context: { cluster: 'testbed-closed-port', user: ADMIN_USER } },
    ],
  };
  fs.writeFileSync(file, stringify(config), { mode: 0o600 });
}

/** The narrow user may read pods and RuntimeClasses but not nodes: listing nodes is a real 403. */
async function grantNarrowUser(cluster: KubeCluster): Promise<void> {
  await cluster.admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'kube-sandbox-test-viewer' },
    rules: [
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  await cluster.admin('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kube-sandbox-test-viewer' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kube-sandbox-test-viewer' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: NARROW_USER }],
  });
}

export interface KubeClusterOptions {
  /** Extra kube-apiserver flags, e.g. `--watch-cache=false` to watch etcd directly. */
  readonly apiServerArgs?: readonly string[];
}

export async function startKubeCluster(options: KubeClusterOptions = {}): Promise<KubeCluster> {
  const binaries = locateKubeBinaries();
  if (typeof binaries === 'string') throw new KubeTestbedMissingError(binaries);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-cluster-'));
  const etcdData = etcdDataRoot(dir);
  removeOnExit(dir);
  removeOnExit(etcdData);
  const [etcdPort, peerPort, apiPort, closedPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const server = `https://127.0.0.1:${apiPort}`;
  const unreachableServer = `https://127.0.0.1:${closedPort}`;
  const adminToken = crypto.randomBytes(16).toString('hex');
  const narrowToken = crypto.randomBytes(16).toString('hex');
  fs.writeFileSync(
    path.join(dir, 'tokens.csv'),
    `${adminToken},${ADMIN_USER},uid-admin,"system:masters"\n${narrowToken},${NARROW_USER},uid-viewer\n`,
    { mode: 0o600 },
  );
  const sa = writeServiceAccountKeys(dir);
  const certDir = path.join(dir, 'pki');
  const kubeconfigPath = path.join(dir, 'kubeconfig');

  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const etcd = startDaemon('etcd', binaries.etcd, [
    '--name=testbed', `--data-dir=${etcdData}`,
    `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=testbed=${peerUrl}`, '--log-level=warn', '--logger=zap',
  ], path.join(dir, 'etcd.log'));

  const apiArgs = [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
    // 1.20 still opens an unauthenticated port 8080 unless told not to.
    '--insecure-port=0',
    `--cert-dir=${certDir}`,
    `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${sa.pub}`, `--service-account-signing-key-file=${sa.key}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    '--enable-admission-plugins=RuntimeClass', '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    // The endpoint reconciler would try to publish 127.0.0.1, which Endpoints validation refuses.
    '--endpoint-reconciler-type=none',
    '--kubelet-preferred-address-types=Hostname',
    '--profiling=false', '--v=1',
    ...(options.apiServerArgs ?? []),
  ];

  let apiserver: Daemon | undefined;
  const runningApiserver = (): Daemon => {
    if (!apiserver) throw new Error('kube-apiserver was never started');
    return apiserver;
  };
  const cluster: KubeCluster = {
    dir, kubeconfigPath, server, unreachableServer, etcdUrl, adminToken, narrowToken, binaries,
    admin: (method, urlPath, body, contentType) =>
      kubeRequestOk(server, method, urlPath, body, { token: adminToken, ...(contentType ? { contentType } : {}) }),
    async startApiServer() {
      if (apiserver && apiserver.child.exitCode === null && apiserver.child.signalCode === null) return;
      const started = startDaemon('kube-apiserver', binaries.apiserver, apiArgs, path.join(dir, 'apiserver.log'));
      apiserver = started;
      await waitFor('kube-apiserver answered /readyz', started, 60_000, async () => {
        const res = await kubeRequest(server, 'GET', '/readyz', undefined, { token: adminToken, timeoutMs: 2000 });
        return res.status === 200;
      });
    },
    async stopApiServer() {
      if (apiserver) await stopDaemon(apiserver);
    },
    pauseApiServer() {
      runningApiserver().child.kill('SIGSTOP');
    },
    resumeApiServer() {
      runningApiserver().child.kill('SIGCONT');
    },
    async restart() {
      await cluster.stopApiServer();
      await cluster.startApiServer();
    },
    async stop() {
      if (apiserver) await stopDaemon(apiserver);
      await stopDaemon(etcd);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(etcdData, { recursive: true, force: true });
      keepOnExit(dir);
      keepOnExit(etcdData);
    },
  };

  try {
    await waitFor('etcd answered /health', etcd, 30_000, async () => {
      const res = await fetch(`${etcdUrl}/health`);
      return res.ok;
    });
    await cluster.startApiServer();
    // The "default" namespace appears a moment after /readyz; pods are created in it.
    await waitFor('namespace "default" exists', runningApiserver(), 30_000, async () => {
      const res = await kubeRequest(server, 'GET', '/api/v1/namespaces/default', undefined, { token: adminToken });
      return res.status === 200;
    });
    await grantNarrowUser(cluster);
    writeKubeconfig(kubeconfigPath, server, unreachableServer, path.join(certDir, 'apiserver.crt'), {
      admin: adminToken,
      narrow: narrowToken,
    });
    return cluster;
  } catch (err) {
    await cluster.stop().catch(() => undefined);
    throw err;
  }
}
