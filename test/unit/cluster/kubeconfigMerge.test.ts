import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chooseKubeconfigFiles,
  listContexts,
  mergeKubeconfigs,
  resolveFileReferences,
} from '../../../src/core/cluster/kubeconfigMerge';

void test('an explicit path is the only file, and must exist', () => {
  assert.deepEqual(chooseKubeconfigFiles({ explicit: '/k/a', envValue: '/k/b:/k/c', defaultPath: '/h/.kube/config', delimiter: ':' }), {
    origin: 'explicit',
    files: ['/k/a'],
    missingIsError: true,
  });
});

void test('KUBECONFIG is split on the delimiter, empty entries and repeats dropped', () => {
  assert.deepEqual(chooseKubeconfigFiles({ envValue: ':/k/b::/k/c:/k/b', defaultPath: '/h/.kube/config', delimiter: ':' }), {
    origin: 'KUBECONFIG',
    files: ['/k/b', '/k/c'],
    missingIsError: false,
  });
  assert.deepEqual(chooseKubeconfigFiles({ envValue: 'C:\\a;C:\\b', defaultPath: 'x', delimiter: ';' }).files, ['C:\\a', 'C:\\b']);
});

void test('without an explicit path or KUBECONFIG, ~/.kube/config', () => {
  for (const envValue of [undefined, '', ':']) {
    assert.deepEqual(chooseKubeconfigFiles({ envValue, explicit: '  ', defaultPath: '/h/.kube/config', delimiter: ':' }), {
      origin: 'default',
      files: ['/h/.kube/config'],
      missingIsError: false,
    });
  }
});

const first = {
  'current-context': 'dev',
  clusters: [{ name: 'dev', cluster: { server: 'https://dev:6443' } }],
  users: [{ name: 'me', user: { token: 'first' } }],
  contexts: [{ name: 'dev', context: { cluster: 'dev', user: 'me', namespace: 'team' } }],
};
const second = {
  'current-context': 'prod',
  clusters: [
    { name: 'dev', cluster: { server: 'https://shadowed:6443' } },
    { name: 'prod', cluster: { server: 'https://prod:6443' } },
  ],
  users: [{ name: 'me', user: { token: 'second' } }],
  contexts: [
    { name: 'prod', context: { cluster: 'prod', user: 'me' } },
    { name: 'dangling', context: { cluster: 'nowhere', user: 'me' } },
  ],
};

void test('the first file to define a name wins, and the first current-context wins', () => {
  const { config, problems } = mergeKubeconfigs([
    { file: '/k/a', doc: first },
    { file: '/k/b', doc: second },
  ]);
  assert.deepEqual(problems, []);
  assert.equal(config['current-context'], 'dev');
  assert.deepEqual(config.clusters.map((c) => [c.name, (c.cluster as { server: string }).server]), [
    ['dev', 'https://dev:6443'],
    ['prod', 'https://prod:6443'],
  ]);
  assert.deepEqual(config.users, [{ name: 'me', user: { token: 'first' } }]);
  assert.deepEqual(listContexts(config), [
    { name: 'dev', cluster: 'dev', user: 'me', namespace: 'team', server: 'https://dev:6443', current: true },
    { name: 'prod', cluster: 'prod', user: 'me', namespace: 'default', server: 'https://prod:6443', current: false },
    { name: 'dangling', cluster: 'nowhere', user: 'me', namespace: 'default', server: '', current: false },
  ]);
});

void test('a file without current-context leaves it to the next one', () => {
  const { config } = mergeKubeconfigs([
    { file: '/k/empty', doc: null },
    { file: '/k/a', doc: { ...first, 'current-context': '' } },
    { file: '/k/b', doc: second },
  ]);
  assert.equal(config['current-context'], 'prod');
});

void test('broken files and nameless entries are reported and skipped, the rest still merges', () => {
  const { config, problems } = mergeKubeconfigs([
    { file: '/k/list', doc: ['not', 'a', 'map'] },
    { file: '/k/a', doc: { clusters: 'oops', contexts: [{ context: { cluster: 'x' } }, { name: 'ok', context: {} }] } },
  ]);
  assert.deepEqual(config.contexts.map((c) => c.name), ['ok']);
  assert.equal(problems.length, 3);
  assert.match(problems[0] ?? '', /\/k\/list is not a kubeconfig/);
  assert.match(problems[1] ?? '', /"clusters" is not a list/);
  assert.match(problems[2] ?? '', /entry in "contexts" has no name/);
});

void test('file references are resolved against their file; exec commands only when they are paths', () => {
  const doc = {
    clusters: [{ name: 'c', cluster: { server: 'https://x', 'certificate-authority': 'ca.crt' } }],
    users: [
      { name: 'cert', user: { 'client-certificate': 'me.crt', 'client-key': '/abs/me.key', tokenFile: 'token' } },
      { name: 'plugin', user: { exec: { command: 'aws', args: ['eks'] } } },
      { name: 'local-plugin', user: { exec: { command: './bin/login' } } },
    ],
  };
  const resolved = resolveFileReferences(doc, (ref) => (ref.startsWith('/') ? ref : `/home/me/.kube/${ref}`)) as typeof doc;
  assert.equal(resolved.clusters[0]?.cluster['certificate-authority'], '/home/me/.kube/ca.crt');
  assert.deepEqual(resolved.users[0]?.user, {
    'client-certificate': '/home/me/.kube/me.crt',
    'client-key': '/abs/me.key',
    tokenFile: '/home/me/.kube/token',
  });
  assert.deepEqual(resolved.users[1]?.user, { exec: { command: 'aws', args: ['eks'] } });
  assert.deepEqual(resolved.users[2]?.user, { exec: { command: '/home/me/.kube/./bin/login' } });
  // The input is not modified.
  assert.equal(doc.clusters[0]?.cluster['certificate-authority'], 'ca.crt');
});
