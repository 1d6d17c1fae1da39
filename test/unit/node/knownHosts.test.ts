import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkHostKey, globMatch, keyTypeOfBlob, knownHostsLine, knownKeyTypes, lookupHostKey, sha256Fingerprint,
} from '../../../src/core/node/knownHosts';

// Real keys from `ssh-keygen -t ed25519|ecdsa`; fingerprints as `ssh-keygen -lf` printed them.
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIAn1fWwAp1zbCqpjdm2cyhxp4fclU6gMj+ela5tYkNYt';
const K1_FP = 'SHA256:MwhEXXgFoF4tbfm0z7Buf4zjlk/B/2xd+h1ith1n6t8';
const K2 = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKKRbu+1ZGoC8G7NCaF/epgL5T28kH9/TZ8GOZsIa3y5K6A2aWjWxDF71a/mDI1Sf6UGATSlUZP7nwmsHGxULcE=';
const K2_FP = 'SHA256:Fbof2r8pXtW6M53k3peAIY3bmxJRsyUjatDWdSLzkXQ';
const K3 = 'AAAAC3NzaC1lZDI1NTE5AAAAIEhbOojZUVgP0/nBLBGK7sbrFYXBAllgzVzMgg9fwQY1';

// `ssh-keygen -H` of "node1.example.com,10.0.0.4 ssh-ed25519 K1" and
// "[10.0.0.5]:2222 ecdsa-sha2-nistp256 K2" (it writes one hashed line per name).
const HASHED = `|1|P7okyjkaSg289M3HOGvDUWDHUC8=|rwRYrOh8hZZKc8SQLcDaAhO+Ptk= ssh-ed25519 ${K1}
|1|GAyfd5qtyDyrTfyQVcSF3//+HsE=|OCC8yyQDYXNHnjwEF8nK1RfWGDY= ssh-ed25519 ${K1}
|1|EyR/2udqEiF7XxH3seFPz8zi1wI=|WYm04/6MDWX6T1iE5N0zYgyhWxw= ecdsa-sha2-nistp256 ${K2}
`;

const blob = (b64: string): Buffer => Buffer.from(b64, 'base64');

describe('known_hosts', () => {
  it('matches plain names, comma lists and [host]:port', () => {
    const text = `# comment\n\nnode1,10.0.0.4 ssh-ed25519 ${K1} root@node1\n[node2]:2222 ecdsa-sha2-nistp256 ${K2}\n`;
    assert.equal(checkHostKey(text, 'node1', 22, 'ssh-ed25519', K1), 'match');
    assert.equal(checkHostKey(text, '10.0.0.4', 22, 'ssh-ed25519', K1), 'match');
    assert.equal(checkHostKey(text, 'NODE1', 22, 'ssh-ed25519', K1), 'match', 'host names compare case-insensitively');
    assert.equal(checkHostKey(text, 'node1', 2222, 'ssh-ed25519', K1), 'unknown', 'a plain name means port 22 only');
    assert.equal(checkHostKey(text, 'node2', 2222, 'ecdsa-sha2-nistp256', K2), 'match');
    assert.equal(checkHostKey(text, 'node2', 22, 'ecdsa-sha2-nistp256', K2), 'unknown');
  });

  it('reports a different key of the same type as changed, with its line', () => {
    const text = `other ssh-ed25519 ${K3}\nnode1 ssh-ed25519 ${K1}\n`;
    assert.equal(checkHostKey(text, 'node1', 22, 'ssh-ed25519', K3), 'changed');
    assert.deepEqual(lookupHostKey(text, 'node1', 22, 'ssh-ed25519', blob(K3)), { status: 'changed', line: 2, knownTypes: ['ssh-ed25519'] });
  });

  it('treats a key of another type as unknown, but says which types are known', () => {
    const text = `node1 ecdsa-sha2-nistp256 ${K2}\n`;
    const r = lookupHostKey(text, 'node1', 22, 'ssh-ed25519', blob(K1));
    assert.deepEqual(r, { status: 'unknown', knownTypes: ['ecdsa-sha2-nistp256'] });
    assert.deepEqual(knownKeyTypes(text, 'node1'), ['ecdsa-sha2-nistp256']);
  });

  it('a matching entry wins over a conflicting one of the same type', () => {
    const text = `node1 ssh-ed25519 ${K3}\nnode1 ssh-ed25519 ${K1}\n`;
    assert.equal(checkHostKey(text, 'node1', 22, 'ssh-ed25519', K1), 'match');
  });

  it('reads hashed entries written by ssh-keygen -H', () => {
    assert.equal(checkHostKey(HASHED, 'node1.example.com', 22, 'ssh-ed25519', K1), 'match');
    assert.equal(checkHostKey(HASHED, '10.0.0.4', 22, 'ssh-ed25519', K1), 'match');
    assert.equal(checkHostKey(HASHED, '10.0.0.5', 2222, 'ecdsa-sha2-nistp256', K2), 'match');
    assert.equal(checkHostKey(HASHED, '10.0.0.5', 22, 'ecdsa-sha2-nistp256', K2), 'unknown');
    assert.equal(checkHostKey(HASHED, 'node1.example.com', 22, 'ssh-ed25519', K3), 'changed');
    assert.equal(checkHostKey(HASHED, 'node2.example.com', 22, 'ssh-ed25519', K1), 'unknown');
  });

  it('refuses @revoked keys, even when another line accepts them', () => {
    const text = `node1 ssh-ed25519 ${K1}\n@revoked * ssh-ed25519 ${K1}\n`;
    assert.deepEqual(lookupHostKey(text, 'node1', 22, 'ssh-ed25519', blob(K1)).status, 'revoked');
    assert.equal(lookupHostKey(text, 'node1', 22, 'ssh-ed25519', blob(K1)).line, 2);
    assert.equal(checkHostKey(text, 'node1', 22, 'ssh-ed25519', K3), 'changed');
  });

  it('ignores @cert-authority lines and unknown markers', () => {
    const text = `@cert-authority *.example.com ssh-ed25519 ${K3}\n@bogus node1 ssh-ed25519 ${K3}\n`;
    assert.equal(checkHostKey(text, 'node1.example.com', 22, 'ssh-ed25519', K1), 'unknown');
    assert.equal(checkHostKey(text, 'node1.example.com', 22, 'ssh-ed25519', K3), 'unknown');
  });

  it('applies wildcards and negations like OpenSSH', () => {
    const text = `*.prod.example.com,!bastion.prod.example.com ssh-ed25519 ${K1}\nnode? ecdsa-sha2-nistp256 ${K2}\n`;
    assert.equal(checkHostKey(text, 'db.prod.example.com', 22, 'ssh-ed25519', K1), 'match');
    assert.equal(checkHostKey(text, 'bastion.prod.example.com', 22, 'ssh-ed25519', K1), 'unknown');
    assert.equal(checkHostKey(text, 'node7', 22, 'ecdsa-sha2-nistp256', K2), 'match');
    assert.equal(checkHostKey(text, 'node17', 22, 'ecdsa-sha2-nistp256', K2), 'unknown');
    assert.ok(globMatch('*', '[10.0.0.5]:2222'));
    assert.ok(globMatch('a*b*c', 'aXXbYYc'));
    assert.ok(!globMatch('a*b*c', 'aXXbYY'));
  });

  it('skips malformed lines and tolerates CRLF', () => {
    const text = `garbage\nnode1 ssh-ed25519\r\nnode1 ssh-ed25519 ${K1}\r\n`;
    assert.equal(checkHostKey(text, 'node1', 22, 'ssh-ed25519', K1), 'match');
  });

  it('builds lines that read back, plain or hashed', () => {
    const plain = knownHostsLine('Node1', 2222, 'ssh-ed25519', K1);
    assert.equal(plain, `[node1]:2222 ssh-ed25519 ${K1}`);
    assert.equal(checkHostKey(plain, 'node1', 2222, 'ssh-ed25519', K1), 'match');
    const hashed = knownHostsLine('node1', 22, 'ssh-ed25519', K1, Buffer.alloc(20, 7));
    assert.match(hashed, /^\|1\|BwcHBwcHBwcHBwcHBwcHBwcHBwc=\|[A-Za-z0-9+/]{27}= ssh-ed25519 /);
    assert.equal(checkHostKey(hashed, 'node1', 22, 'ssh-ed25519', K1), 'match');
    assert.equal(checkHostKey(hashed, 'node2', 22, 'ssh-ed25519', K1), 'unknown');
  });

  it('fingerprints keys as ssh-keygen -l does', () => {
    assert.equal(sha256Fingerprint(blob(K1)), K1_FP);
    assert.equal(sha256Fingerprint(blob(K2)), K2_FP);
    assert.equal(keyTypeOfBlob(blob(K2)), 'ecdsa-sha2-nistp256');
    assert.equal(keyTypeOfBlob(Buffer.from([0, 0])), undefined);
  });
});
