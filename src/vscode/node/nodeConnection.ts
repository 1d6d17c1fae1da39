// Where and how to reach a node over SSH, the way `ssh` would: the node's entry in
// `kubeSandbox.nodes` first, else a ~/.ssh/config Host entry named after the node, else the
// node's address from the cluster (InternalIP, ExternalIP, Hostname); then the SSH config's
// HostName, User, Port, IdentityFile, ProxyJump and UserKnownHostsFile for that host.
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SshConnectOptions } from '../../adapters/ssh';
import type { NodeJson } from '../../core/cluster/kubeObjects';
import { parseProxyJump, parseSshConfig, resolveSshHost, type ParsedSshConfig } from '../../core/node/sshConfig';
import type { Config, NodeSshSettings } from '../config';

/** A node to act on: a Kubernetes node (by context and name) or a host typed by the user. */
export type NodeTarget =
  | { readonly kind: 'node'; readonly context: string; readonly name: string }
  | { readonly kind: 'host'; readonly host: string; readonly port?: number; readonly user?: string };

export interface ResolvedNode {
  readonly target: NodeTarget;
  /** For messages: the node name, or the host typed. */
  readonly title: string;
  readonly ssh: SshConnectOptions;
  /** The settings entry that applied (install path overrides live there too). */
  readonly settings: NodeSshSettings;
  /** How the address was found, for the log. */
  readonly via: string;
  readonly notes: readonly string[];
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const ADDRESS_ORDER = ['InternalIP', 'ExternalIP', 'Hostname'];

export function targetTitle(t: NodeTarget): string {
  return t.kind === 'node' ? t.name : `${t.user ? `${t.user}@` : ''}${t.host}${t.port ? `:${t.port}` : ''}`;
}

/** Reads the SSH client config (kubeSandbox.sshConfigFile or ~/.ssh/config); missing is empty. */
export async function readSshConfig(config: Config): Promise<ParsedSshConfig> {
  const path = expandHome(config.sshConfigFile() ?? join(homedir(), '.ssh', 'config'));
  try {
    return parseSshConfig(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(path))).toString('utf8'));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return parseSshConfig('');
    throw error;
  }
}

/** The node's SSH address from its status: InternalIP, then ExternalIP, then Hostname. */
export function nodeAddress(node: NodeJson): { address: string; type: string } | undefined {
  const addresses = (node as { status?: { addresses?: Array<{ type?: string; address?: string }> } }).status?.addresses ?? [];
  for (const type of ADDRESS_ORDER) {
    const found = addresses.find((a) => a.type === type && a.address);
    if (found?.address) return { address: found.address, type };
  }
  return undefined;
}

/**
 * Resolves one target. `readNode` fetches the Kubernetes node when its address is needed
 * (not for a settings entry with a host, nor for an SSH config Host entry named after it).
 */
export async function resolveNode(
  target: NodeTarget, config: Config, sshConfig: ParsedSshConfig, readNode: (context: string, name: string) => Promise<NodeJson>,
): Promise<ResolvedNode> {
  const title = targetTitle(target);
  const key = target.kind === 'node' ? target.name : target.host;
  const settings: NodeSshSettings = config.nodes().get(key) ?? {};
  let alias: string;
  let via: string;
  if (settings.host) {
    alias = settings.host;
    via = `kubeSandbox.nodes["${key}"].host`;
  } else if (target.kind === 'host') {
    alias = target.host;
    via = 'the host given';
  } else if (hasHostEntry(sshConfig, target.name)) {
    alias = target.name;
    via = `the SSH config's "Host ${target.name}" entry`;
  } else {
    const found = nodeAddress(await readNode(target.context, target.name));
    if (!found) {
      throw new Error(`Node ${target.name} reports no address (InternalIP, ExternalIP or Hostname), so Kube Sandbox does not know where to connect. ` +
        `Add its SSH address to the kubeSandbox.nodes setting: "${target.name}": { "host": "10.0.0.12", "user": "admin" }.`);
    }
    alias = found.address;
    via = `the node's ${found.type}`;
  }
  const local = userInfo().username;
  const home = homedir();
  const resolved = resolveSshHost(sshConfig, alias, { localUser: local, homeDir: home });
  const port = settings.port ?? (target.kind === 'host' ? target.port : undefined) ?? resolved.port ?? 22;
  const user = settings.user ?? (target.kind === 'host' ? target.user : undefined) ?? resolved.user ?? local;
  const identityFiles = settings.identityFile
    ? [expandHome(settings.identityFile)]
    : resolved.identityFiles.length > 0 ? resolved.identityFiles.map(expandHome) : DEFAULT_IDENTITIES.map((f) => join(home, '.ssh', f));
  const knownHostsFiles = config.knownHostsFile()
    ? [expandHome(config.knownHostsFile() as string)]
    : resolved.userKnownHostsFiles?.map(expandHome) ?? [join(home, '.ssh', 'known_hosts')];
  const ssh: SshConnectOptions = {
    host: resolved.hostName, port, user, identityFiles, knownHostsFiles,
    connectTimeoutMs: (resolved.connectTimeoutSeconds ?? 20) * 1000,
    commandTimeoutMs: 600_000,
    ...(resolved.serverAliveIntervalSeconds ? { keepaliveIntervalMs: resolved.serverAliveIntervalSeconds * 1000 } : {}),
    ...(resolved.serverAliveCountMax ? { keepaliveCountMax: resolved.serverAliveCountMax } : {}),
    ...(resolved.identityAgent ? { agentSocket: resolved.identityAgent.toLowerCase() === 'none' ? null : expandHome(resolved.identityAgent) } : {}),
  };
  const jump = settings.jumpHost ?? resolved.proxyJump;
  if (jump) {
    let previous: SshConnectOptions | undefined;
    for (const hop of parseProxyJump(jump)) {
      const h = resolveSshHost(sshConfig, hop.host, { localUser: local, homeDir: home });
      const options: SshConnectOptions = {
        host: h.hostName, port: hop.port ?? h.port ?? 22, user: hop.user ?? h.user ?? local, knownHostsFiles,
        identityFiles: h.identityFiles.length > 0 ? h.identityFiles.map(expandHome) : identityFiles,
        connectTimeoutMs: ssh.connectTimeoutMs ?? 20_000,
        ...(previous ? { jump: previous } : {}),
      };
      previous = options;
    }
    if (previous) ssh.jump = previous;
  }
  return { target, title, ssh, settings, via, notes: resolved.notes };
}

function hasHostEntry(parsed: ParsedSshConfig, name: string): boolean {
  const lower = name.toLowerCase();
  return parsed.blocks.some((b) => !b.ignored && b.patterns?.some((p) => p.toLowerCase() === lower));
}

function expandHome(path: string): string {
  return path.replace(/^~(?=\/|$)/, homedir());
}
