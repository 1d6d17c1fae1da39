// Where official gVisor releases live and how they are checked (gVisor's install guide,
// g3doc/user_guide/install.md). A release directory is
//   https://storage.googleapis.com/gvisor/releases/release/<version>/<arch>/
// with <version> `latest`, a date (`20240513`, the newest point release of that day) or a
// point release (`20240513.0`), and <arch> `x86_64` or `aarch64`. Two layouts:
// - since mid-2026, one `gvisor.tar.bz2` (+ `.sha512`) holding runsc, containerd-shim-runsc-v1
//   and a `gvisor-bin/` folder that must sit next to runsc;
// - before, the files one by one: `runsc`, `containerd-shim-runsc-v1`, each with a `.sha512`.
// Each `.sha512` file is `<128 hex digits>  <file name>`, as `sha512sum` writes it.

export const GVISOR_RELEASES = 'https://storage.googleapis.com/gvisor/releases';
export const GVISOR_APT_KEY = 'https://gvisor.dev/archive.key';

export type ReleaseArch = 'x86_64' | 'aarch64';

/** The release folder name for `uname -m` (or a Go/Debian arch name), or undefined when
 * gVisor publishes nothing for it. */
export function releaseArch(machine: string): ReleaseArch | undefined {
  const m = machine.trim().toLowerCase();
  if (m === 'x86_64' || m === 'amd64') return 'x86_64';
  if (m === 'aarch64' || m === 'arm64') return 'aarch64';
  return undefined;
}

export type ReleaseVersion = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly message: string };

/** `latest`, `YYYYMMDD` or `YYYYMMDD.N`; a `release-` prefix (the Git tag) is accepted. */
export function parseReleaseVersion(input: string | undefined): ReleaseVersion {
  const v = (input ?? 'latest').trim().replace(/^release-/, '');
  if (v === 'latest') return { ok: true, version: v };
  const m = /^(\d{4})(\d{2})(\d{2})(\.\d{1,4})?$/.exec(v);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (year >= 2018 && month >= 1 && month <= 12 && day >= 1 && day <= 31) return { ok: true, version: v };
  }
  return {
    ok: false,
    message: `"${input ?? ''}" is not a gVisor release version. Use latest, a release date such as 20240513, or a point release such as 20240513.0 (see https://github.com/google/gvisor/releases).`,
  };
}

export interface ReleaseUrls {
  /** The release folder, ending without a slash. */
  readonly dir: string;
  readonly tarball: string;
  readonly tarballSha512: string;
  readonly runsc: string;
  readonly runscSha512: string;
  readonly shim: string;
  readonly shimSha512: string;
}

/** URLs of one release for one architecture. `base` may point at a mirror of the bucket. */
export function releaseUrls(version: string, arch: ReleaseArch, base: string = GVISOR_RELEASES): ReleaseUrls {
  const parsed = parseReleaseVersion(version);
  if (!parsed.ok) throw new Error(parsed.message);
  const dir = `${base.replace(/\/+$/, '')}/release/${parsed.version}/${arch}`;
  return {
    dir,
    tarball: `${dir}/gvisor.tar.bz2`,
    tarballSha512: `${dir}/gvisor.tar.bz2.sha512`,
    runsc: `${dir}/runsc`,
    runscSha512: `${dir}/runsc.sha512`,
    shim: `${dir}/containerd-shim-runsc-v1`,
    shimSha512: `${dir}/containerd-shim-runsc-v1.sha512`,
  };
}

/** Checks a release mirror URL: https, or file:// for a mirror mounted on the node. */
export function checkReleaseBaseUrl(url: string): string | undefined {
  if (/^https:\/\/[^/\s]+/.test(url) || /^file:\/\/\//.test(url)) return undefined;
  return `"${url}" is not a usable release location: give an https:// URL (or file:///path for a mirror on the node's disk).`;
}

/** The SHA-512 a `.sha512` file publishes for `fileName`, lower case. */
export function sha512FromChecksumFile(text: string, fileName: string): { ok: true; sha512: string } | { ok: false; message: string } {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const m = /^([0-9a-fA-F]{128})(?:\s+\*?(.+))?$/.exec(line);
    if (!m) continue;
    const name = m[2]?.split('/').pop();
    if (name === undefined || name === fileName || lines.length === 1) return { ok: true, sha512: (m[1] as string).toLowerCase() };
  }
  return { ok: false, message: `The checksum file for ${fileName} holds no SHA-512 for it.` };
}

/** Compares a computed SHA-512 with a published checksum file's. */
export function checkSha512(actualHex: string, checksumFileText: string, fileName: string): { ok: true } | { ok: false; message: string } {
  const published = sha512FromChecksumFile(checksumFileText, fileName);
  if (!published.ok) return published;
  const actual = actualHex.trim().toLowerCase();
  if (actual === published.sha512) return { ok: true };
  return {
    ok: false,
    message: `${fileName} does not match its published checksum (SHA-512 ${actual.slice(0, 16)}…, published ${published.sha512.slice(0, 16)}…): the download is corrupt or was tampered with. Nothing was installed.`,
  };
}

/** The gVisor release in a `runsc --version` line: "runsc version release-20240513.0" →
 * 20240513.0; Debian's "runsc version 0.0~20221219.0" → 20221219.0. */
export function runscReleaseFrom(versionLine: string | undefined): string | undefined {
  return versionLine ? /(?:^|[^\d])(\d{8}(?:\.\d+)?)(?:[^\d]|$)/.exec(versionLine)?.[1] : undefined;
}

/** A Kubernetes label value for a runsc version: [A-Za-z0-9._-], at most 63 characters,
 * starting and ending with an alphanumeric. */
export function gvisorLabelValue(version: string): string {
  const cleaned = version.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned === '' ? 'unknown' : cleaned;
}

/** The apt repository channel for a version: `release` for latest, else the release date. */
export function aptChannel(version: string | undefined): ReleaseVersion {
  const parsed = parseReleaseVersion(version);
  if (!parsed.ok) return parsed;
  if (parsed.version === 'latest') return { ok: true, version: 'release' };
  if (parsed.version.includes('.')) {
    return { ok: false, message: `gVisor's apt repository has no point releases (${parsed.version}): use the date alone (${parsed.version.split('.')[0] ?? ''}), or the release method.` };
  }
  return parsed;
}

/** ELF machine of a binary's first bytes: the release arch it runs on, 'other', or 'not-elf'. */
export function elfArch(head: Uint8Array): ReleaseArch | 'other' | 'not-elf' {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return 'not-elf';
  const little = head[5] === 1;
  const machine = little ? (head[18] as number) | ((head[19] as number) << 8) : ((head[18] as number) << 8) | (head[19] as number);
  if (machine === 0x3e) return 'x86_64';
  if (machine === 0xb7) return 'aarch64';
  return 'other';
}
