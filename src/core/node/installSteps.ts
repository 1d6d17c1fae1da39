// The steps an install or uninstall runs on the node, one function each, all through the
// node script. Each returns what it changed, so the orchestrator can report it, record it in
// the node's state file, and undo it.
import { posix } from 'node:path';
import { createHash } from 'node:crypto';
import { RUNSC_RUNTIME_TYPE } from './containerdConfig';
import { SHIM_NAME, type BinaryPlan } from './installBinaries';
import type { InstallPaths } from './installOptions';
import type { InstallPlan, RestartPlan, RuntimeTarget, PlannedWrite } from './installPlan';
import { renderInstallState, type InstallState, type TrackedFile } from './installState';
import { parseContainerCheck, parseVerify, sandboxProven, sha256ByPath, type ContainerEvidence, type NodeFile, type VerifyEvidence } from './nodeFacts';
import type { ScriptSession } from './scriptSession';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const beforeSha = (f: NodeFile): string => (f.exists && f.sha256 !== undefined ? f.sha256 : 'absent');

export interface BinaryOutcome {
  readonly changed: readonly string[];
  readonly files: readonly TrackedFile[];
  readonly dirs: readonly string[];
  readonly releaseSha512?: string;
  readonly packageInstalled?: string;
  readonly aptFiles: readonly string[];
}

export async function installBinaries(s: ScriptSession, plan: BinaryPlan, paths: InstallPaths): Promise<BinaryOutcome> {
  let kv;
  if (plan.kind === 'release' && plan.release) {
    const { urls, knownSha512 } = plan.release;
    kv = await s.run('Downloading and installing gVisor', {
      sub: 'install-release', binDir: paths.binDir, tarballUrl: urls.tarball, filesUrl: urls.dir, ...(knownSha512 ? { knownSha512 } : {}),
    }, 900_000);
  } else if (plan.kind === 'upload' && plan.uploads) {
    const stage = await s.uploadSet('stage', plan.uploads);
    kv = await s.run('Installing the uploaded binaries', { sub: 'install-files', binDir: paths.binDir, stageDir: stage }, 300_000);
    // Compare what now sits in the bin folder with this machine's files, byte for byte by hash.
    const installed = sha256ByPath(kv);
    for (const item of plan.uploads) {
      if (item.name.includes('/')) continue;
      const got = installed.get(posix.join(paths.binDir, item.name));
      if (got !== undefined && got !== item.sha256) {
        throw new Error(`${posix.join(paths.binDir, item.name)} on the node has SHA-256 ${got}, but ${item.local} here has ${item.sha256}. The upload was damaged; run again.`);
      }
    }
  } else if (plan.kind === 'apt' || plan.kind === 'distro') {
    kv = await s.run(`Installing the runsc package (${plan.kind})`, { sub: 'install-package', how: plan.kind, channel: plan.channel ?? 'release' }, 900_000);
    const created = kv.all('created');
    const installed = kv.get('installed') === 'package';
    return {
      changed: [...(installed ? [`runsc package ${kv.get('package_version') ?? ''}`.trim()] : []), ...created],
      files: [], dirs: [], aptFiles: created,
      ...(installed && kv.yes('package_new') ? { packageInstalled: 'runsc' } : {}),
    };
  } else {
    return { changed: [], files: [], dirs: [], aptFiles: [] };
  }
  const sums = sha256ByPath(kv);
  const installed = kv.all('installed');
  const releaseSha512 = kv.get('release_sha512');
  return {
    changed: installed,
    files: installed.filter((p) => sums.has(p)).map((p) => ({ path: p, sha256: sums.get(p) as string })),
    dirs: installed.filter((p) => !sums.has(p)),
    aptFiles: [],
    ...(releaseSha512 ? { releaseSha512 } : {}),
  };
}

export interface WriteOutcome {
  readonly changed: boolean;
  readonly sha256?: string;
  readonly backupCreated: boolean;
}

export async function writePlanned(s: ScriptSession, w: PlannedWrite, runtime: RuntimeTarget | undefined, runtimeName: string): Promise<WriteOutcome> {
  const source = await s.stage(w.after, posix.basename(w.path));
  const check = w.check && runtime?.kind === 'containerd' ? runtime.bin : undefined;
  const kv = await s.run(`Writing ${w.path}`, {
    sub: 'write-file', target: w.path, source, expectSha256: beforeSha(w.before), mode: 0o644,
    ...(w.backup ? { backup: w.backup } : {}), ...(check ? { checkWith: check, runtime: runtimeName } : {}),
  }, 120_000);
  const sha = kv.get('sha256');
  return { changed: kv.get('changed') === 'yes', backupCreated: kv.get('backup') === 'created', ...(sha ? { sha256: sha } : {}) };
}

/** Puts a file back as the plan saw it (or removes it when it did not exist). No signal: an
 * undo must not be cancelled halfway. */
export async function restoreFile(s: ScriptSession, path: string, before: NodeFile, writtenSha: string): Promise<void> {
  if (!before.exists || before.text === undefined) {
    await s.run(`Removing ${path}`, { sub: 'remove', path, expectSha256: writtenSha }, 60_000, { signal: null });
    return;
  }
  const source = await s.stage(before.text, `restore-${posix.basename(path)}`, { signal: null });
  await s.run(`Restoring ${path}`, { sub: 'write-file', target: path, source, expectSha256: writtenSha, mode: 0o644 }, 60_000, { signal: null });
}

/** containerd's effective config of `config` (see containerdDump.ts), or why there is none. */
export async function effectiveConfig(s: ScriptSession, containerdBin: string, config: string): Promise<{ readonly dump: string } | { readonly error: string }> {
  const kv = await s.run('Asking containerd for its effective config', { sub: 'dump', containerdBin, config }, 60_000, { signal: null });
  const b64 = kv.get('dump_b64');
  return b64 !== undefined ? { dump: Buffer.from(b64, 'base64').toString('utf8') } : { error: kv.get('dump_error') ?? 'no output' };
}

/** Removes a backup this run made, when it still holds what the file held before. */
export async function dropBackup(s: ScriptSession, backup: string, before: NodeFile): Promise<void> {
  if (!before.exists || before.sha256 === undefined) return;
  await s.run(`Removing ${backup}`, { sub: 'remove', path: backup, expectSha256: before.sha256 }, 60_000, { signal: null });
}

export interface HealthOutcome {
  readonly healthy: boolean;
  readonly detail?: string;
  readonly ms: number;
}

/** Restarts the runtime and waits for it; a failed restart is reported as unhealthy. */
export async function restartAndWait(
  s: ScriptSession, restart: RestartPlan, runtime: RuntimeTarget, healthTimeoutMs: number, options: { signal?: AbortSignal | null } = {},
): Promise<HealthOutcome> {
  const started = Date.now();
  const signal = options.signal === null ? undefined : options.signal;
  if (restart.kind === 'command') {
    const r = await s.shell.exec(restart.argv, { asRoot: true, timeoutMs: 300_000, ...(signal ? { signal } : {}) });
    if (r.exitCode !== 0) {
      const said = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-2).join(' ');
      return { healthy: false, detail: `the restart command exited with ${r.exitCode ?? 'a signal'}${said ? `: ${said}` : ''}`, ms: Date.now() - started };
    }
  } else {
    try {
      await s.run(`Restarting ${restart.service}`, { sub: 'restart', service: restart.service, init: restart.init }, 300_000, options);
    } catch (err) {
      return { healthy: false, detail: err instanceof Error ? err.message : String(err), ms: Date.now() - started };
    }
  }
  const kv = await s.run(`Checking ${runtime.kind}`, { sub: 'health', kind: runtime.kind, socket: runtime.socket, seconds: healthTimeoutMs / 1000 },
    healthTimeoutMs + 60_000, options);
  const detail = kv.get('detail');
  return { healthy: kv.yes('healthy'), ...(detail ? { detail } : {}), ms: Date.now() - started };
}

/** The node-side checks after configuring: `runsc do` with the chosen platform; for containerd,
 * its config dump; and where the shim is, a container containerd itself starts through it. */
export async function verifySandbox(s: ScriptSession, plan: InstallPlan, configPath: string): Promise<VerifyEvidence> {
  const { runtime, runtimeName } = plan;
  const kv = await s.run('Verifying gVisor', {
    sub: 'verify', runsc: plan.binaries.runscPath, platform: plan.platform, runtime: runtimeName,
    ...(runtime?.kind === 'containerd' ? { containerdBin: runtime.bin, config: configPath } : {}),
  }, 240_000);
  const evidence = parseVerify(kv);
  if (runtime?.kind !== 'containerd' || !plan.shimReady || !sandboxProven(evidence)) return evidence;
  const container = await s.run('Running a throwaway container through containerd with the runsc runtime', {
    sub: 'container', socket: runtime.socket, runtimeType: RUNSC_RUNTIME_TYPE,
  }, 240_000);
  return { ...evidence, container: parseContainerCheck(container) };
}

/** Why the evidence is not enough, or undefined when it proves gVisor and the runtime entry. */
export function verifyProblem(e: VerifyEvidence, runtime: RuntimeTarget | undefined, runtimeName: string): string | undefined {
  if (e.runscExit !== 0) return `runsc could not start a sandbox (exit ${e.runscExit})${e.runscError ? `: ${e.runscError}` : ''}`;
  if (!e.startingGvisor) return 'the sandbox ran, but its dmesg does not show "Starting gVisor"';
  if (e.guestKernel === '' || e.guestKernel === e.nodeKernel) return `the sandbox reports the node's own kernel (${e.guestKernel || 'none'}), so it did not run in gVisor`;
  if (runtime?.kind === 'containerd') {
    if (e.dumpError) return `containerd could not load its config (${e.dumpError})`;
    if (e.dumpRuntimeType !== RUNSC_RUNTIME_TYPE) return `containerd's config dump does not list the ${runtimeName} runtime with runtime_type ${RUNSC_RUNTIME_TYPE}`;
  }
  return e.container ? containerProblem(e.container, e.nodeKernel) : undefined;
}

function containerProblem(c: ContainerEvidence, nodeKernel: string): string | undefined {
  if (!c.ran) return undefined;
  const started = `a throwaway container that containerd started with the ${RUNSC_RUNTIME_TYPE} runtime`;
  if (c.exit !== 0) {
    // containerd looks the shim up on its own PATH, which may not be the login shell's.
    const hint = /not found|no such file/i.test(c.error ?? '')
      ? ` (containerd finds ${SHIM_NAME} on its own PATH: install it into a folder on that PATH, such as /usr/local/bin)` : '';
    return `${started} failed (exit ${c.exit})${c.error ? `: ${c.error}` : ''}${hint}. Pods with a gVisor RuntimeClass would fail the same way`;
  }
  if (!c.startingGvisor || c.kernel === '' || c.kernel === nodeKernel) {
    return `${started} ran, but not in gVisor: it reports kernel ${c.kernel || '(none)'} (the node's is ${nodeKernel})${c.startingGvisor ? '' : ' and its dmesg has no "Starting gVisor"'}`;
  }
  return undefined;
}

/** Writes the state file when its text changes (so a no-op run changes no byte); returns
 * the file as it now is. */
export async function saveState(s: ScriptSession, stateFile: string, before: NodeFile, state: InstallState, about: string): Promise<NodeFile> {
  const text = renderInstallState(state, about);
  if (before.exists && before.text === text) return before;
  const source = await s.stage(text, 'state', { signal: null });
  await s.run('Recording the install', { sub: 'write-file', target: stateFile, source, expectSha256: beforeSha(before), mode: 0o600 }, 60_000, { signal: null });
  return { exists: true, sha256: sha256Hex(text), text };
}

/** Removes the state file (uninstall). */
export async function dropState(s: ScriptSession, stateFile: string): Promise<void> {
  await s.run('Removing the install record', { sub: 'remove', path: stateFile }, 60_000, { signal: null });
}
