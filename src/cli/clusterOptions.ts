// The flags every cluster command shares (--kubeconfig, --context, --timeout) and the one way
// a command gets a KubeApi from them. A cluster failure is a KubeError with a sentence the user
// can act on; commands print it and exit 2.
import * as path from 'node:path';
import { createKubeApi, type KubeApi } from '../adapters/kube/kubeApi';
import { DEFAULT_TIMEOUT_MS } from '../adapters/kube/kubeCall';
import { KubeError } from '../adapters/kube/kubeErrors';
import { kubeConfigFor, loadKubeconfig } from '../adapters/kube/kubeconfig';
import { UsageError } from './cliArgs';
import { EXIT_FAILURE, type CliIo } from './cliIo';

/** For parseCommandArgs: spread into a command's own options. */
export const CLUSTER_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export interface ClusterFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly timeout?: string | undefined;
}

export interface ClusterConnection {
  readonly api: KubeApi;
  readonly context: string;
  /** The context's namespace, `default` when it sets none. */
  readonly namespace: string;
  readonly timeoutMs: number;
}

export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout needs a number of seconds above 0, got '${value}'.`);
  return Math.round(seconds * 1000);
}

/** Loads the kubeconfig as kubectl does and makes a KubeApi for the chosen context. */
export async function connectCluster(flags: ClusterFlags, io: CliIo): Promise<ClusterConnection> {
  const timeoutMs = parseTimeout(flags.timeout);
  const explicitPath = flags.kubeconfig === undefined ? undefined : path.resolve(io.cwd, flags.kubeconfig);
  const loaded = await loadKubeconfig(explicitPath === undefined ? {} : { explicitPath });
  for (const problem of loaded.problems) io.stderr(`kube-sandbox: ${problem}\n`);
  const context = flags.context ?? loaded.currentContext;
  if (context === undefined) {
    const where = loaded.files.length > 0 ? loaded.files.join(', ') : 'no kubeconfig file was found (KUBECONFIG, ~/.kube/config)';
    const hint = loaded.contexts.length > 0 ? ` Pass --context with one of: ${loaded.contexts.map((c) => c.name).join(', ')}.` : ' Pass --kubeconfig FILE.';
    throw new KubeError('config', `No context to use: ${where} sets no current-context.${hint}`);
  }
  const kc = kubeConfigFor(loaded, context);
  const info = loaded.contexts.find((c) => c.name === context);
  return { api: createKubeApi(kc), context, namespace: info?.namespace || 'default', timeoutMs };
}

/** A failure of a cluster command: the KubeError's message, or an unexpected error rethrown. */
export function clusterFailure(err: unknown, io: CliIo, command: string): number {
  if (err instanceof KubeError) {
    io.stderr(`kube-sandbox ${command}: ${err.message}\n`);
    return EXIT_FAILURE;
  }
  throw err;
}
