import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProxyJump, parseSshConfig, resolveSshHost } from '../../../src/core/node/sshConfig';

const CONFIG = `
# Global defaults come first in many files, but still lose to nothing that came before.
ServerAliveInterval 30

Host bastion
  HostName bastion.example.com
  User jump
  Port 2200

Host node-* !node-legacy
  HostName %h.nodes.example.com
  User admin
  IdentityFile ~/.ssh/nodes_ed25519
  ProxyJump bastion

Match host node-9 exec "true"
  User nobody-should-see-this

Host node-legacy
  HostName 10.1.2.3
  User=root
  IdentityFile "~/.ssh/legacy key"
  ProxyJump none

Host *
  User fallback
  Port 22
  IdentityFile ~/.ssh/id_%r@%h
  UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/known_hosts2
  ConnectTimeout 15
  IdentitiesOnly yes
`;

describe('ssh_config', () => {
  it('resolves with first-value-wins across matching blocks', () => {
    const r = resolveSshHost(CONFIG, 'node-3', { localUser: 'me', homeDir: '/home/me' });
    assert.equal(r.hostName, 'node-3.nodes.example.com');
    assert.equal(r.user, 'admin');
    assert.equal(r.port, 22);
    assert.equal(r.proxyJump, 'bastion');
    assert.deepEqual(r.identityFiles, ['~/.ssh/nodes_ed25519', '~/.ssh/id_admin@node-3.nodes.example.com']);
    assert.deepEqual(r.userKnownHostsFiles, ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']);
    assert.equal(r.connectTimeoutSeconds, 15);
    assert.equal(r.serverAliveIntervalSeconds, 30);
    assert.equal(r.identitiesOnly, true);
  });

  it('excludes a host through a negated pattern', () => {
    const r = resolveSshHost(CONFIG, 'node-legacy');
    assert.equal(r.hostName, '10.1.2.3');
    assert.equal(r.user, 'root');
    assert.equal(r.proxyJump, undefined, '"ProxyJump none" turns the jump off');
    assert.deepEqual(r.identityFiles[0], '~/.ssh/legacy key', 'quoted values keep their spaces');
  });

  it('ignores Match blocks and says so', () => {
    const r = resolveSshHost(CONFIG, 'node-9');
    assert.equal(r.user, 'admin');
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0] ?? '', /line 16: "Match" blocks are not supported/);
  });

  it('falls back to the alias and Host * for unknown hosts', () => {
    const r = resolveSshHost(CONFIG, '192.168.1.10', { localUser: 'me' });
    assert.equal(r.hostName, '192.168.1.10');
    assert.equal(r.user, 'fallback');
    assert.deepEqual(r.identityFiles, ['~/.ssh/id_fallback@192.168.1.10']);
  });

  it('leaves settings unset when nothing matches', () => {
    const r = resolveSshHost('Host other\n  User x\n', 'node1');
    assert.deepEqual(r, { alias: 'node1', hostName: 'node1', identityFiles: [], notes: [] });
  });

  it('matches host patterns case-insensitively and skips comments', () => {
    const r = resolveSshHost('Host NODE1 # trailing comment\n  User a # also a comment\n', 'node1');
    assert.equal(r.user, 'a');
  });

  it('notes Include lines instead of following them', () => {
    const parsed = parseSshConfig('Include ~/.ssh/config.d/*\nHost a\n  User b\n');
    assert.equal(parsed.notes.length, 1);
    assert.match(parsed.notes[0] ?? '', /Include ~\/\.ssh\/config\.d\/\*/);
    assert.equal(resolveSshHost(parsed, 'a').user, 'b');
  });

  it('parses ProxyJump hop lists', () => {
    assert.deepEqual(parseProxyJump('jump@bastion:2200,ssh://ops@[fd00::1]:22,inner'), [
      { user: 'jump', host: 'bastion', port: 2200 },
      { user: 'ops', host: 'fd00::1', port: 22 },
      { host: 'inner' },
    ]);
    assert.deepEqual(parseProxyJump('none'), []);
    assert.throws(() => parseProxyJump('user@'), /is not \[user@\]host\[:port\]/);
  });
});
