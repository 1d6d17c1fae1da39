// Reading what the node script printed: `key=value` lines (repeated keys collect in order),
// turned into typed facts about the node. Lines that are not `key=value` (a chatty profile, a
// package manager's progress) are ignored; a value never spans lines.
import { runscReleaseFrom } from './gvisorRelease';

export class KeyValues {
  private readonly map = new Map<string, string[]>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      const m = /^([a-z][a-z0-9_]*)=(.*)$/.exec(line.replace(/\r$/, ''));
      if (!m) continue;
      const [, key, value] = m as unknown as [string, string, string];
      const list = this.map.get(key);
      if (list) list.push(value);
      else this.map.set(key, [value]);
    }
  }

  /** The last value of `key`. */
  get(key: string): string | undefined {
    const list = this.map.get(key);
    return list?.[list.length - 1];
  }

  all(key: string): string[] {
    return this.map.get(key) ?? [];
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  yes(key: string): boolean {
    return this.get(key) === 'yes';
  }
}

/** A file as the node reported it. */
export type NodeFile =
  | { readonly exists: false }
  | { readonly exists: true; readonly sha256: string; readonly text: string }
  | { readonly exists: true; readonly notAFile: true; readonly sha256?: undefined; readonly text?: undefined };

export type InitSystem = 'systemd' | 'openrc' | 'unknown';

export interface NodeFacts {
  /** `uname -m`. */
  readonly arch: string;
  readonly kernel: string;
  readonly hostname: string;
  readonly os: { readonly id?: string; readonly versionId?: string; readonly name?: string };
  readonly init: InitSystem;
  readonly tools: ReadonlySet<string>;
  readonly containerd?: { readonly bin: string; readonly version?: string; readonly versionLine: string };
  readonly crio?: { readonly bin: string; readonly version?: string };
  readonly k3s: boolean;
  readonly files: Readonly<Record<string, NodeFile>>;
  readonly runsc?: {
    readonly path: string;
    readonly versionLine: string;
    /** The gVisor release date, e.g. "20221219.0", when the version line has one. */
    readonly release?: string;
    readonly sha256?: string;
    readonly gvisorBin?: string;
  };
  readonly shim?: { readonly path: string; readonly sha256?: string };
  readonly kvm: boolean;
  /** Version of the installed `runsc` Debian package, if any. */
  readonly packageRunsc?: string;
  readonly packageHasShim: boolean;
  readonly platformProbe?: { readonly platform: string; readonly ok: boolean; readonly error?: string };
}

/** The first x.y.z in a version line ("containerd github.com/containerd/containerd 1.6.20~ds1 …"). */
export function semverFrom(line: string | undefined): string | undefined {
  return line ? /\bv?(\d+\.\d+\.\d+)/.exec(line)?.[1] : undefined;
}

function nodeFile(kv: KeyValues, name: string): NodeFile | undefined {
  const sha = kv.get(`file_${name}_sha256`);
  if (sha === undefined) return undefined;
  if (sha === 'absent') return { exists: false };
  if (sha === 'not-a-file') return { exists: true, notAFile: true };
  return { exists: true, sha256: sha, text: Buffer.from(kv.get(`file_${name}_b64`) ?? '', 'base64').toString('utf8') };
}

/** Facts from `detect` output; throws when the output is not the script's. */
export function parseNodeFacts(output: string | KeyValues, fileNames: readonly string[]): NodeFacts {
  const kv = typeof output === 'string' ? new KeyValues(output) : output;
  if (!kv.yes('done') || !kv.has('arch')) {
    throw new Error('The node did not answer the detection step as expected (its output had no results). Check that /bin/sh works for the login user.');
  }
  const files: Record<string, NodeFile> = {};
  for (const name of fileNames) files[name] = nodeFile(kv, name) ?? { exists: false };
  const init = kv.get('init');
  const containerdBin = kv.get('containerd_bin');
  const crioBin = kv.get('crio_bin');
  const runscPath = kv.get('runsc_path');
  const shimPath = kv.get('shim_path');
  const probe = kv.get('platform_probe');
  const osId = kv.get('os_id');
  const osVersion = kv.get('os_version_id');
  const osName = kv.get('os_name');
  const versionLine = kv.get('runsc_version') ?? '';
  const release = runscReleaseFrom(versionLine);
  const containerdLine = kv.get('containerd_version') ?? '';
  const containerdVersion = semverFrom(containerdLine);
  const crioVersion = semverFrom(kv.get('crio_version'));
  const gvisorBin = kv.get('gvisor_bin');
  const runscSha = kv.get('runsc_sha256');
  const shimSha = kv.get('shim_sha256');
  const pkg = kv.get('pkg_runsc');
  const probeError = kv.get('platform_error');
  return {
    arch: kv.get('arch') ?? '',
    kernel: kv.get('kernel') ?? '',
    hostname: kv.get('hostname') ?? '',
    os: { ...(osId ? { id: osId } : {}), ...(osVersion ? { versionId: osVersion } : {}), ...(osName ? { name: osName } : {}) },
    init: init === 'systemd' || init === 'openrc' ? init : 'unknown',
    tools: new Set(kv.all('tool')),
    ...(containerdBin ? { containerd: { bin: containerdBin, versionLine: containerdLine, ...(containerdVersion ? { version: containerdVersion } : {}) } } : {}),
    ...(crioBin ? { crio: { bin: crioBin, ...(crioVersion ? { version: crioVersion } : {}) } } : {}),
    k3s: kv.yes('k3s'),
    files,
    ...(runscPath ? {
      runsc: {
        path: runscPath, versionLine,
        ...(release ? { release } : {}), ...(runscSha ? { sha256: runscSha } : {}), ...(gvisorBin ? { gvisorBin } : {}),
      },
    } : {}),
    ...(shimPath ? { shim: { path: shimPath, ...(shimSha ? { sha256: shimSha } : {}) } } : {}),
    kvm: kv.yes('kvm'),
    ...(pkg ? { packageRunsc: pkg } : {}),
    packageHasShim: kv.yes('pkg_runsc_shim'),
    ...(probe ? { platformProbe: { platform: probe, ok: kv.yes('platform_ok'), ...(probeError ? { error: probeError } : {}) } } : {}),
  };
}

/** A step the script refused: `error=<code>` with a message. */
export class NodeStepError extends Error {
  override readonly name = 'NodeStepError';
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The script's results, or a NodeStepError when it reported one (or died without a word). */
export function stepResult(what: string, stdout: string, stderr: string, exitCode: number | null): KeyValues {
  const kv = new KeyValues(stdout);
  const code = kv.get('error');
  if (code !== undefined) {
    const message = kv.get('message') ?? code;
    throw new NodeStepError(code, `${what} failed on the node: ${message}.`);
  }
  if (exitCode !== 0 || !kv.has('script_version')) {
    const said = stderr.trim().split('\n').slice(-3).join(' ').trim();
    throw new NodeStepError('exit', `${what} failed on the node (exit ${exitCode ?? 'by signal'})${said ? `: ${said}` : ''}.`);
  }
  return kv;
}

/** `sha256=<hex> <path>` lines, by path. */
export function sha256ByPath(kv: KeyValues): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of kv.all('sha256')) {
    const m = /^([0-9a-f]{64}) (.+)$/.exec(v);
    if (m) out.set(m[2] as string, m[1] as string);
  }
  return out;
}

export interface VerifyEvidence {
  readonly nodeKernel: string;
  readonly guestKernel: string;
  readonly startingGvisor: boolean;
  readonly runscExit: number;
  readonly runscError?: string;
  readonly dmesg: readonly string[];
  /** runtime_type of the runsc runtime in `containerd config dump` ('' when not listed). */
  readonly dumpRuntimeType?: string;
  readonly dumpError?: string;
  /** The throwaway container containerd ran with the runsc runtime (only where the shim is). */
  readonly container?: ContainerEvidence;
}

/** What a container started by containerd with the runsc runtime printed. */
export type ContainerEvidence =
  | { readonly ran: false; readonly skipped: string }
  | {
      readonly ran: true;
      readonly exit: number;
      readonly kernel: string;
      readonly startingGvisor: boolean;
      readonly dmesg: readonly string[];
      readonly error?: string;
      /** A temporary folder the check could not remove. */
      readonly leftover?: string;
    };

export function parseContainerCheck(kv: KeyValues): ContainerEvidence {
  const skipped = kv.get('container_skipped');
  if (skipped) return { ran: false, skipped };
  const error = kv.get('container_error');
  const leftover = kv.get('container_leftover');
  return {
    ran: true,
    exit: Number(kv.get('container_exit') ?? '-1'),
    kernel: kv.get('container_kernel') ?? '',
    startingGvisor: kv.yes('container_starting_gvisor'),
    dmesg: kv.all('container_dmesg'),
    ...(error ? { error } : {}),
    ...(leftover ? { leftover } : {}),
  };
}

export function parseVerify(kv: KeyValues): VerifyEvidence {
  const runscError = kv.get('runsc_error');
  const dumpType = kv.get('dump_runtime_type');
  const dumpError = kv.get('dump_error');
  return {
    nodeKernel: kv.get('node_kernel') ?? '',
    guestKernel: kv.get('guest_kernel') ?? '',
    startingGvisor: kv.yes('starting_gvisor'),
    runscExit: Number(kv.get('runsc_exit') ?? '-1'),
    dmesg: kv.all('dmesg'),
    ...(runscError ? { runscError } : {}),
    ...(dumpType !== undefined ? { dumpRuntimeType: dumpType } : {}),
    ...(dumpError ? { dumpError } : {}),
  };
}

/** Whether the evidence shows a real gVisor sandbox: the guest booted gVisor and its kernel
 * is not the node's. */
export function sandboxProven(e: VerifyEvidence): boolean {
  return e.runscExit === 0 && e.startingGvisor && e.guestKernel !== '' && e.guestKernel !== e.nodeKernel;
}
