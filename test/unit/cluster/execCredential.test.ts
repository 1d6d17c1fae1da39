import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cannotRunMessage,
  credentialIsFresh,
  execInfo,
  parseExecCredential,
  pluginCommandLine,
  pluginFailedMessage,
  pluginNotStartedMessage,
  pluginTimedOutMessage,
  readExecConfig,
  type ExecConfig,
} from '../../../src/core/cluster/execCredential';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';

function config(raw: Record<string, unknown>): ExecConfig {
  const checked = readExecConfig({ apiVersion: V1, command: 'acme-auth', ...raw }, 'alice');
  assert.ok(checked.ok, checked.ok ? '' : checked.message);
  return checked.value;
}

void test('an exec entry is read with kubectl defaults', () => {
  assert.deepEqual(config({ args: ['token', '--cluster', 'dev'], env: [{ name: 'A', value: '1' }], installHint: '  brew install acme  ' }), {
    command: 'acme-auth',
    args: ['token', '--cluster', 'dev'],
    env: [{ name: 'A', value: '1' }],
    apiVersion: V1,
    installHint: 'brew install acme',
    interactiveMode: 'IfAvailable',
    provideClusterInfo: false,
  });
  assert.equal(config({ apiVersion: V1BETA1, interactiveMode: 'Never', provideClusterInfo: true }).provideClusterInfo, true);
});

void test('broken exec entries are refused with what to fix', () => {
  const problem = (raw: unknown): string => {
    const checked = readExecConfig(raw, 'alice');
    assert.ok(!checked.ok);
    return checked.message;
  };
  assert.match(problem({ apiVersion: V1 }), /user "alice" has an exec credential plugin entry that names no command\. Fix users\[\]\.user\.exec/);
  assert.match(problem({ command: 'x' }), /has apiVersion null \(expected client\.authentication\.k8s\.io\/v1 or/);
  assert.match(problem({ command: 'x', apiVersion: 'client.authentication.k8s.io/v1alpha1' }), /which kubectl dropped in 1\.24/);
  assert.match(problem({ command: 'x', apiVersion: V1, args: 'token' }), /args that are not a list of strings/);
  assert.match(problem({ command: 'x', apiVersion: V1, env: [{ name: 'A' }] }), /env entry without a string name and value/);
  assert.match(problem({ command: 'x', apiVersion: V1, interactiveMode: 'Sometimes' }), /interactiveMode "Sometimes"/);
  assert.match(problem('x'), /is not a mapping/);
});

void test('interactiveMode Always cannot run in the editor; the others can', () => {
  assert.equal(cannotRunMessage(config({ interactiveMode: 'Never' })), undefined);
  assert.equal(cannotRunMessage(config({ interactiveMode: 'IfAvailable' })), undefined);
  const message = cannotRunMessage(config({ interactiveMode: 'Always', args: ['login'], installHint: 'See https://acme.example/cli.' }));
  assert.match(message ?? '', /^The credential plugin `acme-auth login` needs a terminal .* Run it once in a terminal .* See https:\/\/acme\.example\/cli\.$/);
});

void test('KUBERNETES_EXEC_INFO says we are not interactive, and carries the cluster only when asked', () => {
  const cluster = { server: 'https://k:6443', certificateAuthorityData: 'Q0E=', tlsServerName: 'k.internal' };
  assert.deepEqual(JSON.parse(execInfo(config({}), cluster)), { apiVersion: V1, kind: 'ExecCredential', spec: { interactive: false } });
  assert.deepEqual(JSON.parse(execInfo(config({ apiVersion: V1BETA1, provideClusterInfo: true }), cluster)), {
    apiVersion: V1BETA1,
    kind: 'ExecCredential',
    spec: { interactive: false, cluster: { server: 'https://k:6443', 'certificate-authority-data': 'Q0E=', 'tls-server-name': 'k.internal' } },
  });
});

void test('a token answer, with and without an expiry', () => {
  const exec = config({});
  const answer = (status: unknown, apiVersion = V1): string => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });
  assert.deepEqual(parseExecCredential(answer({ token: 't' }), exec), { ok: true, value: { token: 't' } });
  const expiring = parseExecCredential(answer({ token: 't', expirationTimestamp: '2030-01-02T03:04:05Z' }), exec);
  assert.deepEqual(expiring, { ok: true, value: { token: 't', expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) } });
  assert.deepEqual(parseExecCredential(answer({ clientCertificateData: 'CERT', clientKeyData: 'KEY' }), exec), {
    ok: true,
    value: { clientCertificateData: 'CERT', clientKeyData: 'KEY' },
  });
});

void test('answers kubectl would refuse are refused with a plain reason', () => {
  const exec = config({});
  const problem = (stdout: string): string => {
    const parsed = parseExecCredential(stdout, exec);
    assert.ok(!parsed.ok);
    return parsed.message;
  };
  const answer = (status: unknown, apiVersion = V1): string => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });
  assert.match(problem(''), /^The credential plugin `acme-auth` printed nothing\. Run it in a terminal/);
  assert.match(problem('Please open https://login'), /printed something that is not JSON/);
  assert.match(problem('{"kind":"Status"}'), /did not print an ExecCredential/);
  assert.match(problem(answer({ token: 't' }, V1BETA1)), /answered in "client\.authentication\.k8s\.io\/v1beta1", but the kubeconfig asks for client\.authentication\.k8s\.io\/v1/);
  assert.match(problem(JSON.stringify({ apiVersion: V1, kind: 'ExecCredential' })), /without a status/);
  assert.match(problem(answer({})), /neither a token nor a client certificate/);
  assert.match(problem(answer({ clientCertificateData: 'CERT' })), /certificate without its key/);
  assert.match(problem(answer({ token: 't', expirationTimestamp: 'tomorrow' })), /expirationTimestamp that is not a time \("tomorrow"\)/);
});

void test('a credential is fresh until its expiry has passed, or forever without one', () => {
  assert.equal(credentialIsFresh({ token: 't' }, Date.now()), true);
  assert.equal(credentialIsFresh({ token: 't', expiresAt: 1000 }, 999), true);
  assert.equal(credentialIsFresh({ token: 't', expiresAt: 1000 }, 1000), false);
});

void test('messages name the command line a user can paste', () => {
  assert.equal(pluginCommandLine({ command: '/opt/acme auth', args: ['get-token', "it's"] }), `'/opt/acme auth' get-token 'it'\\''s'`);
  const exec = config({ args: ['token'] });
  assert.equal(
    pluginTimedOutMessage(exec, 10_000),
    'The credential plugin `acme-auth token` did not answer within 10 s; it was stopped. Run it in a terminal to see what it waits for.',
  );
  assert.equal(
    pluginFailedMessage(exec, { code: 1, signal: null }, 'error: not logged in\n'),
    'The credential plugin `acme-auth token` exited with status 1: error: not logged in. Run it in a terminal to see the whole story; you may need to log in again.',
  );
  assert.match(pluginFailedMessage(exec, { code: null, signal: 'SIGSEGV' }, ''), /was killed by SIGSEGV without saying why\./);
  assert.match(pluginFailedMessage(exec, { code: 2, signal: null }, 'x'.repeat(5000)), /status 2: …x{2000}\./);
  assert.equal(pluginNotStartedMessage(exec, 'EACCES').startsWith('The credential plugin `acme-auth` is not executable. Install it, or check'), true);
  assert.equal(pluginNotStartedMessage(config({ installHint: 'Get it from acme.example.' }), 'ENOENT'), 'The credential plugin `acme-auth` was not found. Get it from acme.example.');
});
