// Opening an SSH connection: TCP (or a stream through a jump host), key exchange with the
// host key checked against known_hosts, then authentication — under one connect deadline
// that stops while the user is asked something, and cancellable at any point.
import { Readable } from 'node:stream';
import { Client } from 'ssh2';
import { AuthSequence } from './auth';
import { PausableDeadline } from './deadline';
import { HostKeyCheck, UnknownHostKey } from './hostKeys';
import { SshConnectError } from './remoteHost';

export interface SshConnectOptions {
  host: string;
  port?: number;
  user: string;
  /** Private keys to offer, in order, after the agent's (`~` already expanded). */
  identityFiles?: string[];
  /** ssh-agent socket; undefined uses SSH_AUTH_SOCK, null uses no agent. */
  agentSocket?: string | null;
  /** known_hosts files to check, in order; accepted keys are added to the first. */
  knownHostsFiles: string[];
  /** Write accepted keys hashed (`|1|…`), as `HashKnownHosts yes` does. */
  hashKnownHosts?: boolean;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Default per-command deadline. */
  commandTimeoutMs?: number;
  /** Reach this host through another one (ProxyJump); the hops share the hooks. */
  jump?: SshConnectOptions;
}

export interface SshConnectHooks {
  /** An unknown host key: true to accept (and remember) it. */
  verifyHost: (key: UnknownHostKey) => Promise<boolean>;
  askPassphrase?: (identityFile: string) => Promise<string | undefined>;
  askPassword?: (request: { user: string; host: string; purpose: 'login' | 'sudo' }) => Promise<string | undefined>;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** ssh2's default host key algorithms, reordered per host by HostKeyCheck. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
] as const;

export interface Handshake {
  client: Client;
  auth: AuthSequence;
}

export function handshake(o: SshConnectOptions, hooks: SshConnectHooks, sock?: Readable): Promise<Handshake> {
  const port = o.port ?? 22;
  const where = `${o.host}:${port}`;
  const timeoutMs = o.connectTimeoutMs ?? 20_000;
  return new Promise<Handshake>((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const fail = (err: SshConnectError): void => {
      if (settled) return;
      settled = true;
      deadline.clear();
      hooks.signal?.removeEventListener('abort', onAbort);
      client.destroy();
      reject(err);
    };
    const deadline = new PausableDeadline(timeoutMs, () => fail(new SshConnectError(
      `No SSH answer from ${where} within ${Math.round(timeoutMs / 1000)} s. Check the address and port, and that ` +
      'a firewall lets SSH through.', 'timeout')));
    const onAbort = (): void => fail(new SshConnectError(`Cancelled while connecting to ${where}.`, 'aborted'));
    if (hooks.signal?.aborted) return onAbort();
    hooks.signal?.addEventListener('abort', onAbort, { once: true });

    const hostCheck = new HostKeyCheck({
      host: o.host, port, knownHostsFiles: o.knownHostsFiles, hashKnownHosts: o.hashKnownHosts ?? false,
      ask: (key) => deadline.whilePaused(() => hooks.verifyHost(key)),
      onProgress: hooks.onProgress,
    });
    const askPassword = hooks.askPassword;
    const auth = new AuthSequence({
      user: o.user,
      agentSocket: o.agentSocket === null ? undefined : o.agentSocket ?? process.env.SSH_AUTH_SOCK,
      identityFiles: o.identityFiles ?? [],
      askPassphrase: hooks.askPassphrase,
      askPassword: askPassword && (() => askPassword({ user: o.user, host: o.host, purpose: 'login' })),
      whilePaused: (ask) => deadline.whilePaused(ask),
      onProgress: hooks.onProgress,
    });

    client.on('ready', () => {
      settled = true;
      deadline.clear();
      hooks.signal?.removeEventListener('abort', onAbort);
      hooks.onProgress?.(`Connected to ${o.user}@${where}`);
      resolve({ client, auth });
    });
    // Stays attached for the connection's life: an 'error' without a listener would throw.
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (err.level === 'agent') {
        auth.problems.push(`ssh-agent: ${err.message}`); // ssh2 goes on with the next method
        return;
      }
      fail(translate(err, where, o.user, hostCheck, auth));
    });
    client.on('close', () => fail(new SshConnectError(
      `${where} closed the connection before SSH was set up. Check that the port is an SSH server's.`, 'protocol')));

    hooks.onProgress?.(`Connecting to ${o.user}@${where}${sock ? ' through the jump host' : ''}`);
    client.connect({
      host: o.host,
      port,
      username: o.user,
      sock,
      readyTimeout: 0, // the PausableDeadline above is the connect deadline
      keepaliveInterval: o.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: o.keepaliveCountMax ?? 3,
      hostVerifier: hostCheck.verifier,
      algorithms: { serverHostKey: hostCheck.preferredAlgorithms(HOST_KEY_ALGORITHMS) as typeof HOST_KEY_ALGORITHMS[number][] },
      authHandler: auth.handler,
    });
  });
}

function translate(
  err: Error & { level?: string; code?: string }, where: string, user: string, hostCheck: HostKeyCheck, auth: AuthSequence,
): SshConnectError {
  const refused = hostCheck.refusal;
  if (refused) return refused;
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    const offered = auth.offered.length ? auth.offered.join(', ') : 'nothing (no ssh-agent, no usable identity file, no password)';
    const problems = auth.problems.length ? ` Also: ${auth.problems.join('; ')}.` : '';
    return new SshConnectError(
      `${user}@${where} refused authentication. Offered: ${offered}.${problems} Check the user name, and that ` +
      `your public key is in ${user}'s ~/.ssh/authorized_keys on the node.`, 'auth-failed');
  }
  if (err.level === 'client-socket') {
    const why: Record<string, string> = {
      ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
      ENOTFOUND: 'the host name could not be resolved',
      EAI_AGAIN: 'the host name could not be resolved',
      EHOSTUNREACH: 'the host is unreachable',
      ENETUNREACH: 'the network is unreachable',
      ETIMEDOUT: 'the connection timed out',
      ECONNRESET: 'the connection was reset',
    };
    const reason = (err.code && why[err.code]) ?? err.message;
    return new SshConnectError(`Could not connect to ${where}: ${reason}. Check the address and port, and that sshd runs on the node.`, 'unreachable');
  }
  if (err.level === 'client-timeout') {
    return new SshConnectError(`${where} stopped answering (${err.message}).`, 'timeout');
  }
  return new SshConnectError(`The SSH connection to ${where} failed: ${err.message}.`, 'protocol');
}
