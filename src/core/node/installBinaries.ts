// How runsc (and the shim) get onto the node, per method, and when nothing needs to happen
// because what is asked for is already there.
import { posix } from 'node:path';
import { aptChannel, parseReleaseVersion, releaseUrls, type ReleaseArch, type ReleaseUrls } from './gvisorRelease';
import type { InstallOptions, InstallPaths } from './installOptions';
import type { InstallState } from './installState';
import type { NodeFacts } from './nodeFacts';

export const SHIM_NAME = 'containerd-shim-runsc-v1';
/** Where Debian's and gVisor's packages put runsc and the shim. */
export const PACKAGE_BIN_DIR = '/usr/bin';

export interface UploadItem {
  readonly local: string;
  /** Relative to the staging folder: runsc, containerd-shim-runsc-v1, gvisor-bin/NAME. */
  readonly name: string;
  readonly sha256: string;
}

export interface BinaryPlan {
  readonly kind: 'release' | 'apt' | 'distro' | 'upload' | 'none';
  readonly summary: string;
  /** Where runsc is after this step. */
  readonly runscPath: string;
  /** Whether containerd-shim-runsc-v1 is there after this step. */
  readonly shimExpected: boolean;
  /** Where detect looks first for runsc and the shim. */
  readonly hintDir: string;
  readonly release?: { readonly version: string; readonly urls: ReleaseUrls; readonly knownSha512?: string };
  readonly channel?: string;
  readonly uploads?: readonly UploadItem[];
}

interface Sink {
  warnings: string[];
  notes: string[];
  blockers: string[];
}

export function planBinaries(facts: NodeFacts, o: InstallOptions, paths: InstallPaths, state: InstallState, arch: ReleaseArch | undefined, out: Sink): BinaryPlan {
  const binRunsc = posix.join(paths.binDir, 'runsc');
  const binShim = posix.join(paths.binDir, SHIM_NAME);
  const installedHere = facts.runsc?.path === binRunsc;
  const shimHere = facts.shim?.path === binShim;
  const tools = facts.tools;
  switch (o.method) {
    case 'release': {
      const parsed = parseReleaseVersion(o.version);
      const version = parsed.ok ? parsed.version : 'latest';
      const base = { runscPath: binRunsc, shimExpected: true, hintDir: paths.binDir };
      if (version !== 'latest' && installedHere && shimHere && facts.runsc?.release !== undefined
        && (facts.runsc.release === version || facts.runsc.release.split('.')[0] === version)) {
        return { ...base, kind: 'none', summary: `gVisor ${facts.runsc.release} is already installed in ${paths.binDir}: nothing to download.` };
      }
      if (!tools.has('curl') && !tools.has('wget')) out.blockers.push('The release method downloads on the node, which has neither curl nor wget. Install one, or use --method upload.');
      if (o.releaseBaseUrl?.startsWith('file:') && !tools.has('curl')) out.blockers.push('A file:// release mirror needs curl on the node.');
      if (!tools.has('sha512sum')) out.blockers.push('The release method checks downloads with sha512sum, which the node lacks (coreutils).');
      if (!tools.has('bzip2') || !tools.has('tar')) {
        const msg = 'The node lacks tar or bzip2, which gVisor\'s release tarball (gvisor.tar.bz2) needs; install bzip2.';
        if (version === 'latest') out.blockers.push(msg);
        else out.warnings.push(`${msg} Only a release published file by file (before mid-2026) can be installed without it.`);
      }
      if (!arch) return { ...base, kind: 'release', summary: 'Download gVisor (no release for this architecture).' };
      const urls = releaseUrls(version, arch, o.releaseBaseUrl);
      // A release whose checksum matches the one recorded at the last install, with runsc
      // unchanged since, is not downloaded again.
      const recorded = state.files.find((f) => f.path === binRunsc);
      const knownSha512 = installedHere && recorded?.sha256 === facts.runsc?.sha256 ? state.releaseSha512 : undefined;
      return {
        ...base, kind: 'release',
        summary: `Download gVisor ${version} for ${arch} from ${urls.dir}/ (gvisor.tar.bz2, or runsc and ${SHIM_NAME} one by one for older releases), check each SHA-512 against the published .sha512, and install runsc, ${SHIM_NAME} and gvisor-bin/ into ${paths.binDir}${knownSha512 ? ' (skipped if the published checksum is still the one installed)' : ''}.`,
        release: { version, urls, ...(knownSha512 ? { knownSha512 } : {}) },
      };
    }
    case 'upload': {
      const up = o.upload;
      if (!up) {
        out.blockers.push('--method upload needs --runsc-binary.');
        return { kind: 'none', summary: 'Upload: no runsc binary given.', runscPath: binRunsc, shimExpected: false, hintDir: paths.binDir };
      }
      if (up.runsc.arch === 'not-elf') out.blockers.push(`${up.runsc.path} is not a Linux binary (no ELF header), so it cannot be runsc.`);
      else if (arch && up.runsc.arch !== arch) out.blockers.push(`${up.runsc.path} is built for ${up.runsc.arch}, but the node is ${arch}. Upload the ${arch} build of runsc.`);
      if (up.shim && up.shim.arch === 'not-elf') out.warnings.push(`${up.shim.path} is not a Linux binary (no ELF header): containerd could not start pods with it. It is uploaded as given (a placeholder is fine for testing the install itself).`);
      else if (up.shim && arch && up.shim.arch !== arch) out.blockers.push(`${up.shim.path} is built for ${up.shim.arch}, but the node is ${arch}.`);
      const items: UploadItem[] = [{ local: up.runsc.path, name: 'runsc', sha256: up.runsc.sha256 }];
      if (up.shim) items.push({ local: up.shim.path, name: SHIM_NAME, sha256: up.shim.sha256 });
      for (const f of up.gvisorBin ?? []) items.push({ local: f.path, name: `gvisor-bin/${f.name}`, sha256: f.sha256 });
      const shimExpected = up.shim !== undefined;
      const base = { runscPath: binRunsc, shimExpected, hintDir: paths.binDir };
      const same = installedHere && facts.runsc?.sha256 === up.runsc.sha256 && (!up.shim || (shimHere && facts.shim?.sha256 === up.shim.sha256)) && !up.gvisorBin?.length;
      if (same) return { ...base, kind: 'none', summary: `${paths.binDir} already holds these binaries (same SHA-256): nothing to upload.` };
      return {
        ...base, kind: 'upload', uploads: items,
        summary: `Upload ${items.map((i) => i.name).join(', ')} over SFTP, compare their SHA-256 on the node with this machine's, and install them into ${paths.binDir}.`,
      };
    }
    case 'distro':
    case 'apt': {
      const runscPath = posix.join(PACKAGE_BIN_DIR, 'runsc');
      if (!tools.has('apt-get') || !tools.has('dpkg-query')) {
        out.blockers.push(`The ${o.method} method installs a Debian package with apt-get, which this node does not have. Use --method release or --method upload.`);
      }
      if (o.method === 'distro') {
        const installed = facts.packageRunsc;
        const shimExpected = installed ? facts.packageHasShim || facts.shim !== undefined : false;
        if (installed) return { kind: 'none', summary: `The distribution's runsc package ${installed} is already installed: nothing to install.`, runscPath: facts.runsc?.path ?? runscPath, shimExpected, hintDir: PACKAGE_BIN_DIR };
        return { kind: 'distro', summary: `Install the distribution's runsc package (apt-get install runsc).`, runscPath, shimExpected, hintDir: PACKAGE_BIN_DIR };
      }
      const channel = aptChannel(o.version);
      if (!channel.ok) out.blockers.push(channel.message);
      const ch = channel.ok ? channel.version : 'release';
      if (facts.packageRunsc && state.method === 'apt') {
        return { kind: 'none', summary: `runsc ${facts.packageRunsc} is installed from gVisor's apt repository (upgrades come with apt-get upgrade): nothing to install.`, runscPath, shimExpected: true, hintDir: PACKAGE_BIN_DIR, channel: ch };
      }
      if (facts.packageRunsc) out.notes.push(`The runsc package ${facts.packageRunsc} is installed; gVisor's apt repository replaces it with gVisor's own package, which brings the shim.`);
      return {
        kind: 'apt', channel: ch, runscPath, shimExpected: true, hintDir: PACKAGE_BIN_DIR,
        summary: `Add gVisor's apt repository (https://storage.googleapis.com/gvisor/releases ${ch} main, key from gvisor.dev) and install its runsc package, which brings ${SHIM_NAME}.`,
      };
    }
  }
}
