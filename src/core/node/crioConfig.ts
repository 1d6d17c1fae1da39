// The CRI-O side: a drop-in under /etc/crio/crio.conf.d/ that adds the runsc runtime. CRI-O
// reads the files there after crio.conf and applies only the keys each one sets, so the
// drop-in adds a runtime next to runc instead of replacing the runtime list.
//
// Two ways to run gVisor under CRI-O:
// - 'oci' (default): CRI-O runs the runsc binary directly as an OCI runtime, like runc. Works
//   with any CRI-O and with a runsc that has no shim (Debian 12's package). runsc then uses
//   its built-in default platform: CRI-O passes no runsc flags in this mode.
// - 'vm': CRI-O drives containerd-shim-runsc-v1 (gVisor's CRI-O guide, g3doc/user_guide/
//   containerd/crio.md, CRI-O 1.37+), which reads runsc.toml (platform, debug flags; it also
//   needs `grouping = true` there) and, per that guide, needs `[crio.runtime] selinux = false`.

import { ensureValues, parseToml, wholeFileResult, type ConfigEditResult } from './configEdit';
import { formatKey, formatScalar, type DesiredTable } from './tomlTree';

export const CRIO_DROP_IN_PATH = '/etc/crio/crio.conf.d/99-gvisor.conf';
export const DEFAULT_RUNSC_ROOT = '/run/runsc';

export type CrioRuntimeMode = 'oci' | 'vm';

export interface CrioRuntimeOptions {
  /** The runtime's name: what a RuntimeClass puts in `handler`. Default "runsc". */
  readonly runtimeName?: string;
  readonly mode?: CrioRuntimeMode;
  /** 'oci': the runsc binary; 'vm': containerd-shim-runsc-v1. */
  readonly runtimePath: string;
  readonly runtimeRoot?: string;
  /** 'vm' only: the runsc.toml the shim reads. Default /etc/containerd/runsc.toml. */
  readonly runtimeConfigPath?: string;
  readonly fileLabel?: string;
}

/** The values the drop-in must hold. */
export function crioDropInValues(options: CrioRuntimeOptions): DesiredTable {
  const mode = options.mode ?? 'oci';
  const runtime: Record<string, string> = {
    runtime_path: options.runtimePath,
    runtime_root: options.runtimeRoot ?? DEFAULT_RUNSC_ROOT,
    runtime_type: mode,
  };
  if (mode === 'vm') runtime['runtime_config_path'] = options.runtimeConfigPath ?? '/etc/containerd/runsc.toml';
  const crioRuntime: Record<string, DesiredTable | boolean> = { runtimes: { [options.runtimeName ?? 'runsc']: runtime } };
  if (mode === 'vm') crioRuntime['selinux'] = false;
  return { crio: { runtime: crioRuntime } };
}

/** A new drop-in file. */
export function renderCrioDropIn(options: CrioRuntimeOptions, eol = '\n'): string {
  const name = options.runtimeName ?? 'runsc';
  const values = crioDropInValues(options) as { crio: { runtime: { runtimes: Record<string, Record<string, string>>; selinux?: boolean } } };
  const lines = [`# Written by Kube Sandbox: the gVisor runtime for CRI-O. A RuntimeClass with handler "${name}" selects it.`];
  if (values.crio.runtime.selinux === false) {
    lines.push('# gVisor does not support SELinux labels on its containers (gVisor CRI-O guide).', '[crio.runtime]', 'selinux = false', '');
  }
  lines.push(`[crio.runtime.runtimes.${formatKey(name)}]`);
  for (const [k, v] of Object.entries(values.crio.runtime.runtimes[name] ?? {})) lines.push(`${k} = ${formatScalar(v)}`);
  return lines.join(eol) + eol;
}

/** The drop-in for these options: the whole file when there is none, else minimal edits. */
export function ensureCrioDropIn(existing: string | undefined, options: CrioRuntimeOptions): ConfigEditResult {
  const label = options.fileLabel ?? CRIO_DROP_IN_PATH;
  const name = options.runtimeName ?? 'runsc';
  const mode = options.mode ?? 'oci';
  const what = mode === 'oci' ? `runsc at ${options.runtimePath} as an OCI runtime` : `gVisor's shim at ${options.runtimePath}`;
  if (existing === undefined || existing.trim() === '') {
    return wholeFileResult(existing, renderCrioDropIn(options), `Write ${label}: CRI-O runtime "${name}" runs ${what}.`);
  }
  const parsed = parseToml(existing, label);
  if (parsed.kind === 'error') return parsed;
  const outcome = ensureValues(existing, parsed.value, [], crioDropInValues(options), label);
  if (outcome.kind === 'error') return outcome;
  if (outcome.kind === 'unchanged') return { kind: 'unchanged', summary: [`${label} already defines the CRI-O runtime "${name}" (${what}); nothing to change.`] };
  const summary = outcome.changes.map((c) =>
    c.action === 'updated' ? `In ${label}, change ${c.path.join('.')} from ${c.before ?? '?'} to ${c.after}.` : `In ${label}, add ${c.path.join('.')} = ${c.after}.`,
  );
  return { kind: 'changed', text: outcome.text, edits: outcome.edits, summary, changes: outcome.changes };
}
