// Connection settings for tests against a test/harness/sshNode.ts node.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RemoteHost, SshConnectHooks, SshConnectOptions } from '../../src/adapters/ssh';
import type { SshNode, TestAccount } from './sshNode';

/** Options for `account` on `node`, with a known_hosts file in `dir` that already trusts the
 * node's host key (unless `trust` is false), and no ssh-agent. */
export function nodeOptions(node: SshNode, account: TestAccount, dir: string, trust = true): SshConnectOptions {
  const knownHosts = join(dir, `known_hosts-${account.user}-${node.port}`);
  writeFileSync(knownHosts, trust ? `${node.knownHostsLine()}\n` : '');
  return {
    host: node.host,
    port: node.port,
    user: account.user,
    identityFiles: [account.keyPath],
    agentSocket: null,
    knownHostsFiles: [knownHosts],
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 60_000,
  };
}

/** Hooks that fail the test if a host key question comes up. */
export const strictHooks: SshConnectHooks = {
  verifyHost: (key) => Promise.reject(new Error(`unexpected host key question for ${key.host}:${key.port}`)),
};

/** Waits until no process on the node matches `pattern` (pgrep -f), or fails. */
export async function waitUntilGone(host: RemoteHost, pattern: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    // The bracket keeps pgrep from matching its own command line.
    const r = await host.exec(['pgrep', '-f', `[${pattern[0] ?? ''}]${pattern.slice(1)}`]);
    if (r.exitCode === 1) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`"${pattern}" still runs on the node after cancellation`);
}
