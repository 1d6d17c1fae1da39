// `kube-sandbox verify POD`: runs `uname -r` and `dmesg` in the pod's container and compares
// with its node's kernel. Exit 0 sandboxed (gVisor or a VM), 1 not sandboxed, 2 when it could
// not be told (or the cluster could not be asked).
import { verifySandbox, VerifyProblem, type SandboxVerification } from '../core/cluster/verifySandbox';
import { parseCommandArgs, UsageError } from './cliArgs';
import { EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, type CliIo } from './cliIo';
import { CLUSTER_OPTIONS, clusterFailure, connectCluster } from './clusterOptions';
import { VERIFY_USAGE } from './usage';

const OUTPUTS = ['text', 'json'] as const;
type Output = (typeof OUTPUTS)[number];

function exitFor(result: SandboxVerification): number {
  switch (result.verdict) {
    case 'gvisor':
    case 'vm':
      return EXIT_OK;
    case 'none':
      return EXIT_FINDINGS;
    case 'unknown':
      return EXIT_FAILURE;
  }
}

export async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...CLUSTER_OPTIONS,
    namespace: { type: 'string', short: 'n' },
    container: { type: 'string', short: 'c' },
    output: { type: 'string', short: 'o', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout(VERIFY_USAGE);
    return EXIT_OK;
  }
  const [pod, ...extra] = positionals;
  if (pod === undefined || pod.trim() === '') throw new UsageError('name the pod to verify: kube-sandbox verify POD [-n NAMESPACE].');
  if (extra.length > 0) throw new UsageError(`verify takes one pod, got '${positionals.join(' ')}'.`);
  const output = values.output as Output;
  if (!OUTPUTS.includes(output)) throw new UsageError(`unknown --output '${values.output}'; use text or json.`);
  try {
    const { api, namespace, timeoutMs } = await connectCluster(values, io);
    const result = await verifySandbox(
      api,
      { namespace: values.namespace ?? namespace, pod, ...(values.container === undefined ? {} : { container: values.container }) },
      { timeoutMs },
    );
    if (output === 'json') io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout(`${result.summary}\n${result.evidence.map((line) => `  ${line}\n`).join('')}`);
    return exitFor(result);
  } catch (err) {
    if (err instanceof VerifyProblem) {
      io.stderr(`kube-sandbox verify: ${err.message}\n`);
      return EXIT_FAILURE;
    }
    return clusterFailure(err, io, 'verify');
  }
}
