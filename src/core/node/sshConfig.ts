// OpenSSH client config (ssh_config(5)) resolved for one host, the way `ssh` does it: blocks
// are read top to bottom, a `Host` block applies when one of its patterns matches the name
// typed by the user and none of its `!` patterns does, and for each keyword the first value
// obtained wins (IdentityFile accumulates). Pure: the caller reads the file and expands `~`.
//
// Not supported, and reported in `notes` rather than guessed: `Match` blocks (their options
// are skipped — they depend on commands, users and canonicalisation we do not run) and
// `Include` (the caller would have to glob and read more files).
import { globMatch } from './knownHosts';

export interface SshConfigBlock {
  /** Host patterns; `undefined` for the options before the first Host line, which apply to all. */
  patterns?: string[];
  /** Keyword (lower case) → values in order; a keyword may repeat. */
  options: Array<[string, string[]]>;
  /** Set for Match blocks: never applied. */
  ignored?: boolean;
}

export interface ParsedSshConfig {
  blocks: SshConfigBlock[];
  notes: string[];
}

export interface SshHostSettings {
  /** The host typed by the user (the `Host` alias). */
  alias: string;
  /** Where to connect: HostName with `%h` expanded, else the alias. */
  hostName: string;
  user?: string;
  port?: number;
  /** In config order, tokens (%d %u %h %r %p %n %%) expanded; `~` left to the caller. */
  identityFiles: string[];
  identitiesOnly?: boolean;
  identityAgent?: string;
  /** Raw ProxyJump value (`none` is dropped); see parseProxyJump. */
  proxyJump?: string;
  userKnownHostsFiles?: string[];
  connectTimeoutSeconds?: number;
  serverAliveIntervalSeconds?: number;
  serverAliveCountMax?: number;
  /** Notes about the config file that affect this result (unsupported constructs). */
  notes: string[];
}

export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

export function parseSshConfig(text: string): ParsedSshConfig {
  const blocks: SshConfigBlock[] = [{ options: [] }];
  const notes: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const parsed = splitLine(lines[i] ?? '');
    if (!parsed) continue;
    const [keyword, args] = parsed;
    if (keyword === 'host') {
      blocks.push({ patterns: args, options: [] });
    } else if (keyword === 'match') {
      blocks.push({ options: [], ignored: true });
      notes.push(`line ${i + 1}: "Match" blocks are not supported; their options are ignored.`);
    } else if (keyword === 'include') {
      notes.push(`line ${i + 1}: "Include ${args.join(' ')}" is not followed; put the host's settings in this file or in kubeSandbox.nodes.`);
    } else {
      blocks[blocks.length - 1]?.options.push([keyword, args]);
    }
  }
  return { blocks, notes };
}

export interface ResolveContext {
  /** Local user name (for %u, and the User default in %r). */
  localUser?: string;
  /** Local home directory (for %d). */
  homeDir?: string;
}

export function resolveSshHost(
  config: ParsedSshConfig | string, host: string, ctx: ResolveContext = {},
): SshHostSettings {
  const parsed = typeof config === 'string' ? parseSshConfig(config) : config;
  const alias = host.toLowerCase();
  const first = new Map<string, string[]>();
  const identityFiles: string[] = [];
  for (const block of parsed.blocks) {
    if (block.ignored || (block.patterns && !blockMatches(block.patterns, alias))) continue;
    for (const [keyword, args] of block.options) {
      if (keyword === 'identityfile') {
        if (args[0] !== undefined) identityFiles.push(args[0]);
      } else if (!first.has(keyword)) {
        first.set(keyword, args);
      }
    }
  }
  const one = (k: string): string | undefined => first.get(k)?.[0];
  const num = (k: string): number | undefined => {
    const v = one(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const hostName = expand(one('hostname') ?? host, { h: host });
  const user = one('user');
  const port = num('port');
  const tokens: Record<string, string> = {
    h: hostName, n: host, p: String(port ?? 22), r: user ?? ctx.localUser ?? '',
    u: ctx.localUser ?? '', d: ctx.homeDir ?? '~',
  };
  const proxyJump = one('proxyjump');
  const agent = one('identityagent');
  const result: SshHostSettings = {
    alias: host,
    hostName,
    identityFiles: identityFiles.map((f) => expand(f, tokens)),
    notes: parsed.notes,
  };
  if (user !== undefined) result.user = user;
  if (port !== undefined) result.port = port;
  if (proxyJump !== undefined && proxyJump.toLowerCase() !== 'none') result.proxyJump = proxyJump;
  if (agent !== undefined) result.identityAgent = expand(agent, tokens);
  const only = one('identitiesonly');
  if (only !== undefined) result.identitiesOnly = only.toLowerCase() === 'yes';
  const known = first.get('userknownhostsfile');
  if (known) result.userKnownHostsFiles = known.map((f) => expand(f, tokens));
  const ct = num('connecttimeout');
  if (ct !== undefined) result.connectTimeoutSeconds = ct;
  const sai = num('serveraliveinterval');
  if (sai !== undefined) result.serverAliveIntervalSeconds = sai;
  const sac = num('serveralivecountmax');
  if (sac !== undefined) result.serverAliveCountMax = sac;
  return result;
}

/** ProxyJump: comma-separated `[user@]host[:port]` or `ssh://[user@]host[:port]` hops, in
 * the order they are reached; IPv6 addresses in brackets. */
export function parseProxyJump(value: string): JumpHop[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((raw) => {
    let s = raw.trim().replace(/^ssh:\/\//i, '');
    const hop: JumpHop = { host: '' };
    const at = s.lastIndexOf('@');
    if (at >= 0) {
      hop.user = s.slice(0, at);
      s = s.slice(at + 1);
    }
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    const plain = /^([^:]+)(?::(\d+))?$/.exec(s);
    const m = bracketed ?? plain;
    if (!m?.[1]) throw new Error(`ProxyJump hop "${raw.trim()}" is not [user@]host[:port].`);
    hop.host = m[1];
    if (m[2] !== undefined) hop.port = Number(m[2]);
    return hop;
  });
}

function blockMatches(patterns: string[], host: string): boolean {
  let positive = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!globMatch(pattern, host)) continue;
    if (negated) return false; // a negated match rejects the whole block (ssh_config(5))
    positive = true;
  }
  return positive;
}

/** `Keyword value…` or `Keyword=value…`; double quotes group words; `#` starts a comment. */
function splitLine(line: string): [string, string[]] | undefined {
  const s = line.trim();
  if (s === '' || s.startsWith('#')) return undefined;
  const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)?(.*)$/.exec(s);
  if (!m?.[1]) return undefined;
  const args: string[] = [];
  const rest = m[2] ?? '';
  const re = /"([^"]*)"|(\S+)/g;
  for (let w = re.exec(rest); w; w = re.exec(rest)) {
    const word = w[1] ?? w[2] ?? '';
    if (w[2]?.startsWith('#')) break;
    args.push(word);
  }
  return [m[1].toLowerCase(), args];
}

function expand(value: string, tokens: Record<string, string>): string {
  return value.replace(/%(.)/g, (whole, t: string) => (t === '%' ? '%' : tokens[t] ?? whole));
}
