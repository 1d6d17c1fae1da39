// `kube-sandbox nodes`: every node with its runtime, kernel and gVisor readiness, and how many of
// its pods run sandboxed (judged by what each pod's RuntimeClass really points at).
import { summarizeNodes, type NodeSummary } from '../core/cluster/nodeSummaries';
import { parseCommandArgs, UsageError } from './cliArgs';
import { EXIT_OK, type CliIo } from './cliIo';
import { CLUSTER_OPTIONS, clusterFailure, connectCluster } from './clusterOptions';
import { NODES_USAGE } from './usage';

const OUTPUTS = ['text', 'json'] as const;
type Output = (typeof OUTPUTS)[number];

export async function nodesCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...CLUSTER_OPTIONS,
    output: { type: 'string', short: 'o', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout(NODES_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`'nodes' takes no arguments, got '${positionals.join(' ')}'.`);
  const output = values.output as Output;
  if (!OUTPUTS.includes(output)) throw new UsageError(`unknown --output '${values.output}'; use text or json.`);
  try {
    const { api, timeoutMs } = await connectCluster(values, io);
    const options = { timeoutMs };
    const [nodes, pods, classes] = await Promise.all([api.listNodes(options), api.listPods(options), api.listRuntimeClasses(options)]);
    const rows = summarizeNodes(nodes, pods, classes);
    io.stdout(output === 'json' ? `${JSON.stringify(rows.map(toJson), null, 2)}\n` : formatText(rows));
    return EXIT_OK;
  } catch (err) {
    return clusterFailure(err, io, 'nodes');
  }
}

/** The documented JSON shape, fields in a fixed order. */
function toJson(row: NodeSummary): object {
  return {
    name: row.name,
    ready: row.ready,
    containerRuntime: row.containerRuntime,
    kernelVersion: row.kernelVersion,
    osImage: row.osImage,
    architecture: row.architecture,
    sandbox: { gvisor: row.sandbox.gvisor },
    pods: { total: row.pods.total, sandboxed: row.pods.sandboxed },
  };
}

function formatText(rows: readonly NodeSummary[]): string {
  if (rows.length === 0) return 'The cluster has no nodes.\n';
  const table = [
    ['NAME', 'READY', 'RUNTIME', 'KERNEL', 'ARCH', 'GVISOR', 'SANDBOXED PODS'],
    ...rows.map((r) => [r.name, r.ready ? 'yes' : 'no', r.containerRuntime || '-', r.kernelVersion || '-', r.architecture || '-', r.sandbox.gvisor, `${r.pods.sandboxed} of ${r.pods.total}`]),
  ];
  const widths = table[0]?.map((_, col) => Math.max(...table.map((line) => (line[col] ?? '').length))) ?? [];
  const lines = table.map((line) => line.map((cell, col) => (col === line.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  '));
  const ready = rows.filter((r) => r.sandbox.gvisor === 'ready').length;
  const unknown = rows.filter((r) => r.sandbox.gvisor === 'unknown').length;
  const pods = rows.reduce((sum, r) => sum + r.pods.total, 0);
  const sandboxed = rows.reduce((sum, r) => sum + r.pods.sandboxed, 0);
  const nodes = rows.length === 1 ? '1 node' : `${rows.length} nodes`;
  let footer = `${nodes}: gVisor ready on ${ready}, unknown on ${unknown}, absent on ${rows.length - ready - unknown}; ${sandboxed} of ${pods} pods sandboxed.`;
  if (unknown > 0) footer += `\n"unknown": the node does not report its runtime handlers (Kubernetes before 1.30) and carries no kube-sandbox.dev/gvisor label.`;
  return `${lines.join('\n')}\n\n${footer}\n`;
}
