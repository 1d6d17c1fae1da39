// Loading kubeconfig files as kubectl does, on real files; the merged result reaches a real
// kube-apiserver.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { createKubeApi } from '../../../src/adapters/kube/kubeApi';
import { KubeError } from '../../../src/adapters/kube/kubeErrors';
import { kubeConfigFor, loadKubeconfig } from '../../../src/adapters/kube/kubeconfig';
import { CONTEXTS, startKubeCluster, type KubeCluster } from '../../harness/kubeCluster';
import { kubeTestbedSkip } from '../../harness/kubeTestbed';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-kubeconfig-'));
}

function write(dir: string, name: string, doc: unknown): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof doc === 'string' ? doc : stringify(doc));
  return file;
}

void describe('kubeconfig files', () => {
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  void test('KUBECONFIG with several files merges as kubectl does, skipping missing files', async () => {
    const a = write(dir, 'a.yaml', {
      'current-context': 'dev',
      clusters: [{ name: 'dev', cluster: { server: 'https://dev.example:6443', 'certificate-authority': 'certs/dev-ca.crt' } }],
      users: [{ name: 'me', user: { token: 'abc' } }],
      contexts: [{ name: 'dev', context: { cluster: 'dev', user: 'me', namespace: 'apps' } }],
    });
    const b = write(dir, 'sub/b.yaml', {
      'current-context': 'prod',
      clusters: [
        { name: 'prod', cluster: { server: 'https://prod.example:6443' } },
        { name: 'dev', cluster: { server: 'https://ignored.example' } },
      ],
      users: [{ name: 'ops', user: { 'client-certificate': 'ops.crt', 'client-key': 'ops.key' } }],
      contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'ops' } }],
    });
    const empty = write(dir, 'empty.yaml', '');
    const missing = path.join(dir, 'missing.yaml');
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [a, missing, empty, b].join(path.delimiter) }, homeDir: dir });

    assert.equal(loaded.origin, 'KUBECONFIG');
    assert.deepEqual(loaded.files, [a, empty, b]);
    assert.deepEqual(loaded.missingFiles, [missing]);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.currentContext, 'dev');
    assert.deepEqual(loaded.contexts, [
      { name: 'dev', cluster: 'dev', user: 'me', namespace: 'apps', server: 'https://dev.example:6443', current: true },
      { name: 'prod', cluster: 'prod', user: 'ops', namespace: 'default', server: 'https://prod.example:6443', current: false },
    ]);
    // Relative file references point next to the file that holds them.
    const prod = kubeConfigFor(loaded, 'prod');
    assert.equal(prod.getCurrentUser()?.certFile, path.join(dir, 'sub', 'ops.crt'));
    assert.equal(kubeConfigFor(loaded, 'dev').getCurrentCluster()?.caFile, path.join(dir, 'certs', 'dev-ca.crt'));
  });

  void test('without KUBECONFIG, ~/.kube/config; none at all is an empty list, not an error', async () => {
    const home = path.join(dir, 'home');
    const none = await loadKubeconfig({ env: {}, homeDir: home });
    assert.equal(none.origin, 'default');
    assert.deepEqual(none.contexts, []);
    assert.deepEqual(none.missingFiles, [path.join(home, '.kube', 'config')]);

    write(home, '.kube/config', { clusters: [], users: [], contexts: [{ name: 'only', context: { cluster: 'c', user: 'u' } }] });
    const one = await loadKubeconfig({ env: { KUBECONFIG: '' }, homeDir: home });
    assert.deepEqual(one.contexts.map((c) => c.name), ['only']);
    assert.equal(one.currentContext, undefined);
  });

  void test('an explicit path wins over KUBECONFIG, and a missing one is a plain error', async () => {
    const a = write(dir, 'explicit.yaml', { contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }] });
    const loaded = await loadKubeconfig({ explicitPath: a, env: { KUBECONFIG: path.join(dir, 'a.yaml') } });
    assert.equal(loaded.origin, 'explicit');
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['x']);
    await assert.rejects(loadKubeconfig({ explicitPath: path.join(dir, 'nope.yaml') }), (err: unknown) => {
      assert.ok(err instanceof KubeError);
      assert.equal(err.kind, 'config');
      assert.match(err.message, /^The kubeconfig file .*nope\.yaml does not exist\./);
      return true;
    });
  });

  void test('a file that is not YAML is reported, and the other files still load', async () => {
    const bad = write(dir, 'bad.yaml', 'clusters: [unclosed\n');
    const good = write(dir, 'good.yaml', { contexts: [{ name: 'g', context: { cluster: 'c', user: 'u' } }] });
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [bad, good].join(path.delimiter) } });
    assert.deepEqual(loaded.contexts.map((c) => c.name), ['g']);
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0] ?? '', /bad\.yaml is not valid YAML \(.+\); it was ignored\./);
  });

  void test('a context that names an undefined cluster is a plain error when used', async () => {
    const f = write(dir, 'dangling.yaml', {
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'dangling', context: { cluster: 'gone', user: 'u' } }],
    });
    const loaded = await loadKubeconfig({ explicitPath: f });
    assert.throws(() => kubeConfigFor(loaded, 'dangling'), /names cluster "gone", which the kubeconfig does not define/);
    assert.throws(() => kubeConfigFor(loaded, 'other'), /has no context "other"/);
  });
});

void describe('a kubeconfig split over several files reaches a real kube-apiserver', { skip: kubeTestbedSkip() }, () => {
  let cluster: KubeCluster;
  let dir: string;
  before(async () => {
    cluster = await startKubeCluster();
    dir = tempDir();
  });
  after(async () => {
    await cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  void test('clusters in one file, users and contexts in another', async () => {
    const whole = parse(fs.readFileSync(cluster.kubeconfigPath, 'utf8')) as Record<string, unknown>;
    // The CA is referenced relative to the file that names it.
    fs.copyFileSync(path.join(cluster.dir, 'pki', 'apiserver.crt'), path.join(dir, 'ca.crt'));
    const clusters = (whole.clusters as { name: string; cluster: Record<string, unknown> }[]).map((c) => ({
      ...c,
      cluster: { ...c.cluster, 'certificate-authority': 'ca.crt' },
    }));
    const first = write(dir, 'clusters.yaml', { apiVersion: 'v1', kind: 'Config', clusters });
    const second = write(dir, 'users.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': whole['current-context'],
      users: whole.users,
      contexts: whole.contexts,
    });
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: `${first}${path.delimiter}${second}` } });
    assert.deepEqual(
      loaded.contexts.map((c) => [c.name, c.current]),
      [
        [CONTEXTS.admin, true],
        [CONTEXTS.narrow, false],
        [CONTEXTS.unreachable, false],
      ],
    );
    const api = createKubeApi(kubeConfigFor(loaded, CONTEXTS.admin));
    assert.equal(api.server, cluster.server);
    // The TLS handshake verified the server against ca.crt: the call succeeds.
    assert.deepEqual(await api.listRuntimeClasses(), []);
  });
});
