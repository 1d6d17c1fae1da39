import { nodeCommand } from '../node/nodeCommandEntry';
import type { NodeCommandResult } from '../node/nodeCommand';
import { INSTALL } from '../node/nodeOperations';
import type { CommandDeps } from './index';

/**
 * Install gVisor on Node…: on the tree's node (or its multi-selection), on `NodeCommandArgs`
 * (src/vscode/node/nodeTargets.ts), or from the palette on picked nodes or a typed SSH host.
 * Shows the plan, asks, installs with progress, and resolves to what happened on each node.
 */
export function installGvisorOnNode(deps: CommandDeps) {
  return (arg?: unknown, selection?: unknown): Promise<NodeCommandResult | undefined> => nodeCommand(deps, INSTALL, arg, selection);
}
