// Exec credential plugins against a real kube-apiserver (test/harness/kubeCluster.ts): the
// plugins are small shell scripts in a temp folder; a kubeconfig names them as a user's `exec`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { createKubeApi, type KubeApi } from '../../../src/adapters/kube/kubeApi';
import { kubeConfigFor, loadKubeconfig } from '../../../src/adapters/kube/kubeconfig';
import { delay } from '../../harness/kubeProcess';
import { startKubeCluster, type KubeCluster } from '../../harness/kubeCluster';
import { kubeTestbedSkip } from '../../harness/kubeTestbed';
import { kubeError } from '../../harness/kubeAssertions';

const V1 = 'client.authentication.k8s.io/v1';

/** Gone, or a zombie nobody has reaped yet (it runs no code and holds nothing). */
function processGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitUntil(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await delay(50);
  }
}

void describe('exec credential plugins against a real kube-apiserver', { skip: kubeTestbedSkip() }, () => {
  let cluster: KubeCluster;
  let dir: string;
  let ca: string;
  let count = 0;

  before(async () => {
    cluster = await startKubeCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-exec-'));
    ca = path.join(cluster.dir, 'pki', 'apiserver.crt');
  });
  after(async () => {
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  interface Plugin {
    readonly dir: string;
    readonly api: KubeApi;
    runs(): number;
    file(name: string): string;
  }

  /**
   * A plugin script with its own folder (passed to it as $PLUGIN_DIR) and a KubeApi whose user
   * runs it. Each plugin has its own user name, so the process-wide cache starts empty for it.
   */
  async function plugin(body: string, exec: Record<string, unknown> = {}): Promise<Plugin> {
    const name = `plugin-${++count}`;
    const own = path.join(dir, name);
    fs.mkdirSync(own);
    const script = path.join(own, 'plugin.sh');
    fs.writeFileSync(script, `#!/bin/sh\necho run >> "$PLUGIN_DIR/runs"\n${body}\n`, { mode: 0o755 });
    const kubeconfig = path.join(own, 'kubeconfig');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': name,
      clusters: [{ name: 'testbed', cluster: { server: cluster.server, 'certificate-authority': ca } }],
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: V1,
              command: './plugin.sh',
              interactiveMode: 'Never',
              env: [
                { name: 'PLUGIN_DIR', value: own },
                { name: 'ADMIN_TOKEN', value: cluster.adminToken },
              ],
              ...exec,
            },
          },
        },
      ],
      contexts: [{ name, context: { cluster: 'testbed', user: name } }],
    };
    fs.writeFileSync(kubeconfig, stringify(config));
    const loaded = await loadKubeconfig({ explicitPath: kubeconfig });
    const api = createKubeApi(kubeConfigFor(loaded, name));
    const file = (f: string): string => path.join(own, f);
    return {
      dir: own,
      api,
      file,
      runs: () => (fs.existsSync(file('runs')) ? fs.readFileSync(file('runs'), 'utf8').split('\n').filter(Boolean).length : 0),
    };
  }

  const printToken = (token = '$ADMIN_TOKEN', extraStatus = ''): string =>
    `printf '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"%s"${extraStatus}}}\\n' "${token}"`;

  /** A plugin that never answers, as one waiting for a browser login; it and its child record their pids. */
  const hang = `echo $$ > "$PLUGIN_DIR/plugin.pid"\nsleep 300 &\necho $! > "$PLUGIN_DIR/child.pid"\nwait`;

  void test('the plugin token lists nodes; the plugin ran once for several calls', async () => {
    const p = await plugin(`echo "$KUBERNETES_EXEC_INFO" > "$PLUGIN_DIR/info.json"\n${printToken()}`);
    // Three calls at once (as a tree expanding a cluster makes) share one run of the plugin.
    const [nodes, classes] = await Promise.all([p.api.listNodes(), p.api.listRuntimeClasses(), p.api.listPods()]);
    assert.ok(Array.isArray(nodes) && Array.isArray(classes));
    await p.api.listNodes();
    assert.equal(p.runs(), 1);
    const info = JSON.parse(fs.readFileSync(p.file('info.json'), 'utf8')) as unknown;
    assert.deepEqual(info, { apiVersion: V1, kind: 'ExecCredential', spec: { interactive: false } });

    // A watch connects with the same credential.
    const synced = new Promise<void>((resolve, reject) => {
      const watch = p.api.watchNodes(
        {
          onEvents: () => undefined,
          onSynced: () => {
            watch.dispose();
            resolve();
          },
          onError: (err) => {
            watch.dispose();
            reject(err);
          },
        },
        { timeoutMs: 5000 },
      );
    });
    await synced;
    assert.equal(p.runs(), 1);
  });

  void test('a plugin that never answers is stopped at the deadline, with its children', async () => {
    const p = await plugin(hang);
    const started = Date.now();
    const err = await kubeError(p.api.listNodes({ timeoutMs: 1500 }));
    const took = Date.now() - started;
    assert.equal(err.kind, 'timeout');
    assert.equal(err.message, 'The credential plugin `./plugin.sh` did not answer within 1.5 s; it was stopped. Run it in a terminal to see what it waits for.'.replace('./plugin.sh', path.join(p.dir, 'plugin.sh')));
    assert.ok(took >= 1400 && took < 2500, `failed after ${took} ms`);
    const pluginPid = Number(fs.readFileSync(p.file('plugin.pid'), 'utf8'));
    const childPid = Number(fs.readFileSync(p.file('child.pid'), 'utf8'));
    await waitUntil('the plugin and its child are gone', 2000, () => processGone(pluginPid) && processGone(childPid));
  });

  void test('cancelling the call stops the plugin', async () => {
    const p = await plugin(hang);
    const controller = new AbortController();
    const call = kubeError(p.api.listNodes({ signal: controller.signal, timeoutMs: 30_000 }));
    await waitUntil('the plugin started', 5000, () => fs.existsSync(p.file('child.pid')) && fs.readFileSync(p.file('child.pid'), 'utf8').trim() !== '');
    const started = Date.now();
    controller.abort();
    const err = await call;
    assert.ok(Date.now() - started < 500, 'the cancel took effect at once');
    assert.equal(err.kind, 'cancelled');
    assert.match(err.message, /^Cancelled while the credential plugin `\S+plugin\.sh` was running; it was stopped\.$/);
    const pluginPid = Number(fs.readFileSync(p.file('plugin.pid'), 'utf8'));
    const childPid = Number(fs.readFileSync(p.file('child.pid'), 'utf8'));
    await waitUntil('the plugin and its child are gone', 2000, () => processGone(pluginPid) && processGone(childPid));
    // The next call starts the plugin afresh rather than joining the stopped run.
    await kubeError(p.api.listNodes({ timeoutMs: 300 }));
    assert.equal(p.runs(), 2);
  });

  void test('a plugin that fails: its stderr is in the message', async () => {
    const p = await plugin(`echo 'error: refresh token expired; run "acme login"' >&2\nexit 1`);
    const err = await kubeError(p.api.listNodes());
    assert.equal(err.kind, 'unauthorized');
    assert.match(err.message, /`\S+plugin\.sh` exited with status 1: error: refresh token expired; run "acme login"\. Run it in a terminal/);
    // A failure is not cached: the next call tries again.
    await kubeError(p.api.listNodes());
    assert.equal(p.runs(), 2);
  });

  void test('an expired credential runs the plugin again', async () => {
    const p = await plugin(printToken('$ADMIN_TOKEN', `,"expirationTimestamp":"'"$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)"'"`));
    await p.api.listNodes();
    await p.api.listNodes();
    assert.equal(p.runs(), 1, 'a credential is reused until it expires');
    await delay(3000);
    await p.api.listNodes();
    assert.equal(p.runs(), 2);
  });

  void test('a token the server refuses (401) is dropped, and the next call asks the plugin again', async () => {
    const p = await plugin(printToken('$(cat "$PLUGIN_DIR/token")'));
    fs.writeFileSync(p.file('token'), 'not-a-valid-token');
    const err = await kubeError(p.api.listNodes());
    assert.equal(err.kind, 'unauthorized');
    assert.equal(err.status, 401);
    fs.writeFileSync(p.file('token'), cluster.adminToken);
    await p.api.listNodes();
    assert.equal(p.runs(), 2);
  });

  void test('interactiveMode Always is refused without starting the plugin', async () => {
    const p = await plugin(printToken(), { interactiveMode: 'Always' });
    const err = await kubeError(p.api.listNodes());
    assert.equal(err.kind, 'config');
    assert.match(err.message, /needs a terminal to ask you something \(interactiveMode: Always\)/);
    assert.equal(p.runs(), 0);
  });

  void test('a plugin that is not installed: the installHint says what to do', async () => {
    const p = await plugin(printToken(), { command: 'kube-sandbox-no-such-plugin', installHint: 'Install it with: apt-get install acme-auth' });
    const err = await kubeError(p.api.listNodes());
    assert.equal(err.kind, 'config');
    assert.equal(err.message, 'The credential plugin `kube-sandbox-no-such-plugin` was not found. Install it with: apt-get install acme-auth');
  });

  void test('a plugin answering in the wrong apiVersion is a plain error', async () => {
    const p = await plugin(printToken(), { apiVersion: 'client.authentication.k8s.io/v1beta1' });
    const err = await kubeError(p.api.listNodes());
    assert.match(err.message, /answered in "client\.authentication\.k8s\.io\/v1", but the kubeconfig asks for client\.authentication\.k8s\.io\/v1beta1/);
  });
});
