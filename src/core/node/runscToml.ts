// runsc.toml: the file containerd-shim-runsc-v1 reads through the runtime's ConfigPath.
// Top-level keys are shim options (gVisor pkg/shim options.go: log_path, log_level,
// binary_name, grouping, ...); every key under [runsc_config] becomes a runsc flag,
// `flag = "value"` → `--flag=value`, and the shim decodes that table as strings only
// (RunscConfig map[string]string), so booleans are written "true". Source: gVisor's
// g3doc/user_guide/containerd/configuration.md.
//
// An existing runsc.toml is edited like the containerd config: only our keys are added or
// corrected, everything else (say, nvproxy = "true") stays. Debug keys are added when asked
// and never removed: switching debug off later is a hand edit, said in the summary.

import { ensureValues, parseToml, wholeFileResult, type ConfigEditResult } from './configEdit';
import type { DesiredScalar, DesiredTable } from './tomlTree';

export type RunscPlatform = 'systrap' | 'kvm' | 'ptrace';

export const DEFAULT_RUNSC_PLATFORM: RunscPlatform = 'systrap';
export const DEFAULT_RUNSC_LOG_DIR = '/var/log/runsc';

export interface RunscTomlOptions {
  /** gVisor platform: systrap (default, runs anywhere), kvm (needs /dev/kvm), ptrace (legacy). */
  readonly platform?: RunscPlatform;
  /** Shim and sandbox debug logs under logDir (per container ID). */
  readonly debug?: boolean;
  readonly logDir?: string;
  /** Path to runsc when the shim cannot find it on containerd's PATH. */
  readonly binaryName?: string;
  /** Shim grouping (one shim per pod): CRI-O's "vm" runtime type needs it. */
  readonly grouping?: boolean;
  /** More runsc flags, e.g. { nvproxy: 'true' }. */
  readonly extraFlags?: Readonly<Record<string, string>>;
}

/** The values runsc.toml must hold for these options. */
export function runscTomlValues(options: RunscTomlOptions = {}): DesiredTable {
  const top: Record<string, DesiredScalar | DesiredTable> = {};
  const flags: Record<string, string> = { platform: options.platform ?? DEFAULT_RUNSC_PLATFORM };
  const logDir = (options.logDir ?? DEFAULT_RUNSC_LOG_DIR).replace(/\/+$/, '');
  if (options.binaryName) top['binary_name'] = options.binaryName;
  if (options.grouping) top['grouping'] = true;
  if (options.debug) {
    top['log_path'] = `${logDir}/%ID%/shim.log`;
    top['log_level'] = 'debug';
    flags['debug'] = 'true';
    flags['debug-log'] = `${logDir}/%ID%/gvisor.%COMMAND%.log`;
  }
  Object.assign(flags, options.extraFlags ?? {});
  top['runsc_config'] = flags;
  return top;
}

/** A new runsc.toml with a short explanation at the top. */
export function renderRunscToml(options: RunscTomlOptions = {}, eol = '\n'): string {
  const values = runscTomlValues(options);
  const lines = [
    '# Written by Kube Sandbox: options for containerd-shim-runsc-v1 (gVisor).',
    '# Keys under [runsc_config] are passed to runsc as flags: key = "value" becomes --key=value.',
  ];
  const str = (v: DesiredScalar): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  for (const [k, v] of Object.entries(values)) if (typeof v !== 'object') lines.push(`${k} = ${str(v)}`);
  lines.push('', '[runsc_config]');
  const flags = values['runsc_config'] as DesiredTable;
  for (const [k, v] of Object.entries(flags)) lines.push(`  ${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)} = ${str(v as DesiredScalar)}`);
  return lines.join(eol) + eol;
}

/** runsc.toml for these options: the whole file when there is none, else minimal edits. */
export function ensureRunscToml(existing: string | undefined, options: RunscTomlOptions = {}, fileLabel = 'runsc.toml'): ConfigEditResult {
  const platform = options.platform ?? DEFAULT_RUNSC_PLATFORM;
  if (existing === undefined || existing.trim() === '') {
    const debug = options.debug ? `, debug logs under ${options.logDir ?? DEFAULT_RUNSC_LOG_DIR}` : '';
    return wholeFileResult(existing, renderRunscToml(options), `Write ${fileLabel}: platform ${platform}${debug}.`);
  }
  const parsed = parseToml(existing, fileLabel);
  if (parsed.kind === 'error') return parsed;
  const outcome = ensureValues(existing, parsed.value, [], runscTomlValues(options), fileLabel);
  if (outcome.kind === 'error') return outcome;
  const flags = parsed.value['runsc_config'];
  const debugStays = !options.debug && typeof flags === 'object' && flags !== null && (flags as Record<string, unknown>)['debug'] === 'true';
  const debugNote = debugStays ? [`${fileLabel} keeps runsc debug logging on (runsc_config.debug = "true"): Kube Sandbox never removes settings; delete that line by hand to turn it off.`] : [];
  if (outcome.kind === 'unchanged') return { kind: 'unchanged', summary: [`${fileLabel} already selects platform ${platform}; nothing to change.`, ...debugNote] };
  const summary = outcome.changes.map((c) =>
    c.action === 'updated' ? `In ${fileLabel}, change ${c.path.join('.')} from ${c.before ?? '?'} to ${c.after}.` : `In ${fileLabel}, add ${c.path.join('.')} = ${c.after}.`,
  );
  summary.push(...debugNote);
  return { kind: 'changed', text: outcome.text, edits: outcome.edits, summary, changes: outcome.changes };
}
