// Loads kubeconfig files as kubectl does (the rules live in core/cluster/kubeconfigMerge) and
// hands client-node a KubeConfig for one context.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigOptions, KubeConfig } from '@kubernetes/client-node';
import { clientNode } from './clientNode';
import { parse } from 'yaml';
import {
  chooseKubeconfigFiles,
  listContexts,
  mergeKubeconfigs,
  resolveFileReferences,
  type KubeContextInfo,
  type KubeconfigOrigin,
  type MergedKubeconfig,
  type ParsedKubeconfigFile,
} from '../../core/cluster/kubeconfigMerge';
import { KubeError } from './kubeErrors';

export interface KubeconfigLoadOptions {
  /** An explicit file (the `kubeSandbox.kubeconfig` setting or `--kubeconfig`); wins over the rest. */
  readonly explicitPath?: string;
  /** Defaults to process.env (KUBECONFIG). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to os.homedir(); ~/.kube/config is the fallback file. */
  readonly homeDir?: string;
}

export interface LoadedKubeconfig {
  readonly origin: KubeconfigOrigin;
  /** The files that were read, in merge order. */
  readonly files: readonly string[];
  /** Files named (by KUBECONFIG or the default) that do not exist; kubectl skips them too. */
  readonly missingFiles: readonly string[];
  readonly contexts: readonly KubeContextInfo[];
  readonly currentContext: string | undefined;
  /** Entries or files left out, in plain sentences. */
  readonly problems: readonly string[];
  readonly merged: MergedKubeconfig;
}

function expandHome(file: string, home: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(home, file.slice(1)) : file;
}

type ReadResult = { readonly parsed: ParsedKubeconfigFile } | { readonly missing: true } | { readonly problem: string };

async function readOne(file: string, missingIsError: boolean): Promise<ReadResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !missingIsError) return { missing: true };
    if (code === 'ENOENT') throw new KubeError('config', `The kubeconfig file ${file} does not exist. Check the path, or clear it to use KUBECONFIG or ~/.kube/config.`);
    return { problem: `${file} could not be read (${code ?? String(err)}); it was ignored.` };
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { problem: `${file} is not valid YAML (${reason}); it was ignored.` };
  }
  const dir = path.dirname(path.resolve(file));
  return { parsed: { file, doc: resolveFileReferences(doc, (ref) => path.resolve(dir, expandHome(ref, os.homedir()))) } };
}

export async function loadKubeconfig(options: KubeconfigLoadOptions = {}): Promise<LoadedKubeconfig> {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? os.homedir();
  const choice = chooseKubeconfigFiles({
    explicit: options.explicitPath === undefined ? undefined : expandHome(options.explicitPath, home),
    envValue: env.KUBECONFIG,
    defaultPath: path.join(home, '.kube', 'config'),
    delimiter: path.delimiter,
  });
  const parsed: ParsedKubeconfigFile[] = [];
  const missingFiles: string[] = [];
  const problems: string[] = [];
  for (const file of choice.files) {
    const result = await readOne(file, choice.missingIsError);
    if ('missing' in result) missingFiles.push(file);
    else if ('problem' in result) problems.push(result.problem);
    else parsed.push(result.parsed);
  }
  const merge = mergeKubeconfigs(parsed);
  return {
    origin: choice.origin,
    files: parsed.map((p) => p.file),
    missingFiles,
    contexts: listContexts(merge.config),
    currentContext: merge.config['current-context'],
    problems: [...problems, ...merge.problems],
    merged: merge.config,
  };
}

/** A client-node KubeConfig whose current context is `contextName`. */
export function kubeConfigFor(loaded: LoadedKubeconfig, contextName: string): KubeConfig {
  const info = loaded.contexts.find((c) => c.name === contextName);
  if (!info) throw new KubeError('config', `The kubeconfig has no context "${contextName}". Refresh the cluster list or pick another context.`);
  const kc = new (clientNode().KubeConfig)();
  // client-node reads the file format (JSON is YAML); FILTER drops an entry it cannot use
  // instead of failing every context for one broken cluster or user.
  kc.loadFromString(JSON.stringify(loaded.merged), { onInvalidEntry: 'filter' } satisfies ConfigOptions);
  if (!kc.getContextObject(contextName)) {
    throw new KubeError('config', `The context "${contextName}" in the kubeconfig is incomplete (it needs a cluster and a user). Fix it with kubectl config set-context.`);
  }
  kc.setCurrentContext(contextName);
  if (!kc.getCurrentCluster()) {
    throw new KubeError('config', `The context "${contextName}" names cluster "${info.cluster}", which the kubeconfig does not define (or defines without a server).`);
  }
  return kc;
}
