import { nodeCommand } from '../node/nodeCommandEntry';
import type { NodeCommandResult } from '../node/nodeCommand';
import { UNINSTALL } from '../node/nodeOperations';
import type { CommandDeps } from './index';

/**
 * Uninstall gVisor from Node…: undoes what Install recorded on the node (configs back from
 * their backups, installed files removed, the node label removed), plan first, like Install.
 */
export function uninstallGvisorFromNode(deps: CommandDeps) {
  return (arg?: unknown, selection?: unknown): Promise<NodeCommandResult | undefined> => nodeCommand(deps, UNINSTALL, arg, selection);
}
