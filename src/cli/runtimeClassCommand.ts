// `kube-sandbox runtimeclass create gvisor|kata-qemu|kata-clh|kata-fc`: creates the class, or
// updates it to match, or says it already matches. Safe to run twice (exit 0 each time).
import { describeRuntimeClassChanges } from '../core/cluster/runtimeClassChanges';
import { buildRuntimeClass, isSandboxId, parseNodeSelector, runtimeClassNameProblem, runtimeClassYaml, SANDBOX_IDS, sandboxKind } from '../core/runtime/sandboxCatalog';
import { parseCommandArgs, UsageError } from './cliArgs';
import { EXIT_OK, type CliIo } from './cliIo';
import { CLUSTER_OPTIONS, clusterFailure, connectCluster } from './clusterOptions';
import { RUNTIMECLASS_USAGE } from './usage';

export async function runtimeClassCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...CLUSTER_OPTIONS,
    name: { type: 'string' },
    'node-selector': { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout(RUNTIMECLASS_USAGE);
    return EXIT_OK;
  }
  const [action, id, ...extra] = positionals;
  if (action !== 'create') {
    throw new UsageError(action === undefined ? `say what to do: 'runtimeclass create ${SANDBOX_IDS.join('|')}'.` : `unknown action '${action}'; the only one is 'create'.`);
  }
  if (id === undefined || !isSandboxId(id)) {
    throw new UsageError(`${id === undefined ? 'name a sandbox' : `unknown sandbox '${id}'`}: use one of ${SANDBOX_IDS.join(', ')}.`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected '${extra.join(' ')}' after '${id}'.`);
  const nameProblem = values.name === undefined ? undefined : runtimeClassNameProblem(values.name);
  if (nameProblem) throw new UsageError(nameProblem);
  const selector = parseNodeSelector(values['node-selector'] ?? []);
  if ('problem' in selector) throw new UsageError(selector.problem);

  const desired = buildRuntimeClass(id, {
    ...(values.name === undefined ? {} : { name: values.name }),
    nodeSelector: selector.selector,
  });
  if (values['dry-run'] === true) {
    io.stdout(runtimeClassYaml(desired));
    return EXIT_OK;
  }
  const name = desired.metadata?.name ?? id;
  try {
    const { api, timeoutMs } = await connectCluster(values, io);
    const result = await api.createOrUpdateRuntimeClass(desired, { timeoutMs });
    const handler = sandboxKind(id).handler;
    switch (result.outcome) {
      case 'created':
        io.stdout(`created: RuntimeClass "${name}" (handler ${handler}). Pods opt in with runtimeClassName: ${name}.\n`);
        break;
      case 'unchanged':
        io.stdout(`unchanged: RuntimeClass "${name}" already matches (handler ${handler}).\n`);
        break;
      case 'updated':
        io.stdout(`updated: RuntimeClass "${name}": ${describeRuntimeClassChanges(result.changes)}.\n`);
        if (result.recreated) io.stdout('The handler cannot change in place, so the class was deleted and created again; running pods keep their old runtime until they are recreated.\n');
        break;
    }
    return EXIT_OK;
  } catch (err) {
    return clusterFailure(err, io, 'runtimeclass');
  }
}
