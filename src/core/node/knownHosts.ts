// OpenSSH known_hosts, read the way `ssh` reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT",
// hostfile.c). Pure: the caller reads and appends the file.
//
// node:crypto is imported for pure computation only (HMAC-SHA1 of hashed host names, SHA-256
// fingerprints): no I/O, so it belongs in the core like any other arithmetic.
import { createHash, createHmac } from 'node:crypto';

export type HostKeyStatus = 'match' | 'unknown' | 'changed' | 'revoked';

export interface HostKeyLookup {
  status: HostKeyStatus;
  /** 1-based line of the entry that decided the status (the matching, changed or revoked one). */
  line?: number;
  /** Key types known_hosts holds for this host (non-revoked): lets a prompt say "a key of
   * another type is already known", as OpenSSH does. */
  knownTypes: string[];
}

interface Entry {
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string;
  keyType: string;
  blob: Buffer;
}

/** The name a host is filed under: `host` on port 22, `[host]:port` otherwise (lower case). */
export function knownHostsName(host: string, port = 22): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** Lists the key types known_hosts holds for a host, to prefer them during key exchange. */
export function knownKeyTypes(knownHostsText: string, host: string, port = 22): string[] {
  return lookupHostKey(knownHostsText, host, port, '', Buffer.alloc(0)).knownTypes;
}

export function checkHostKey(
  knownHostsText: string, host: string, port: number, keyType: string, keyBase64: string,
): HostKeyStatus {
  return lookupHostKey(knownHostsText, host, port, keyType, Buffer.from(keyBase64, 'base64')).status;
}

/**
 * OpenSSH order: a revoked key is refused outright; then an entry with the same key wins;
 * then an entry of the same type with a different key means the key changed; else unknown.
 * `@cert-authority` lines are ignored: we never accept host certificates, so a CA line can
 * neither vouch for a key nor count as a conflicting one.
 */
export function lookupHostKey(
  knownHostsText: string, host: string, port: number, keyType: string, blob: Uint8Array,
): HostKeyLookup {
  const name = knownHostsName(host, port);
  const key = Buffer.from(blob);
  const entries = parseEntries(knownHostsText).filter((e) => hostMatches(e.patterns, name));
  const plain = entries.filter((e) => e.marker === '');
  const knownTypes = [...new Set(plain.map((e) => e.keyType))];
  if (key.length === 0) return { status: 'unknown', knownTypes };
  const revoked = entries.find((e) => e.marker === '@revoked' && e.blob.equals(key));
  if (revoked) return { status: 'revoked', line: revoked.line, knownTypes };
  const match = plain.find((e) => e.blob.equals(key));
  if (match) return { status: 'match', line: match.line, knownTypes };
  const type = keyTypeOfBlob(key) ?? keyType;
  const changed = plain.find((e) => e.keyType === type);
  if (changed) return { status: 'changed', line: changed.line, knownTypes };
  return { status: 'unknown', knownTypes };
}

/**
 * The line to append for an accepted key (no newline). Plain by default, as OpenSSH's own
 * default (`HashKnownHosts no`) writes it, so a user can see what was added; pass a random
 * 20-byte salt to write a hashed `|1|salt|hash` name instead.
 */
export function knownHostsLine(
  host: string, port: number, keyType: string, keyBase64: string, hashSalt?: Uint8Array,
): string {
  const name = knownHostsName(host, port);
  const filed = hashSalt ? hashHostName(name, Buffer.from(hashSalt)) : name;
  return `${filed} ${keyType} ${keyBase64}`;
}

/** `SHA256:` + unpadded base64 of the key blob's SHA-256, as `ssh-keygen -l` prints it. */
export function sha256Fingerprint(keyBlob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The algorithm name inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Uint8Array): string | undefined {
  if (blob.length < 4) return undefined;
  const len = Buffer.from(blob.subarray(0, 4)).readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) return undefined;
  return Buffer.from(blob.subarray(4, 4 + len)).toString('latin1');
}

function hashHostName(name: string, salt: Buffer): string {
  const mac = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${mac.toString('base64')}`;
}

function parseEntries(text: string): Entry[] {
  const entries: Entry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const fields = (lines[i] ?? '').trim().split(/[ \t]+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) continue;
    let marker: Entry['marker'] = '';
    if (fields[0].startsWith('@')) {
      const m = fields.shift();
      if (m !== '@revoked' && m !== '@cert-authority') continue; // unknown marker: OpenSSH skips it
      marker = m;
    }
    const [patterns, keyType, keyBase64] = fields;
    if (!patterns || !keyType || !keyBase64) continue;
    const blob = Buffer.from(keyBase64, 'base64');
    if (blob.length === 0) continue;
    entries.push({ line: i + 1, marker, patterns, keyType: keyTypeOfBlob(blob) ?? keyType, blob });
  }
  return entries;
}

/** A hashed name matches by HMAC; a pattern list matches when some pattern matches and no
 * negated (`!`) pattern does (OpenSSH match_hostname). */
function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, mac] = patterns.split('|');
    if (!salt || !mac) return false;
    return hashHostName(name, Buffer.from(salt, 'base64')) === patterns;
  }
  let positive = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!globMatch(pattern, name)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

/** OpenSSH wildcards: `*` any run of characters, `?` exactly one; nothing else is special. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
