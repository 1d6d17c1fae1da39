// Command names, apart from the command table so that providers can name a command without
// importing every command's code. `commands/index.ts` checks that its table covers exactly these.

export type CommandName =
  | 'sandboxAllWorkloadsInFile'
  | 'addRuntimeClass'
  | 'exemptWorkload'
  | 'showWorkloadSandbox'
  | 'showOutput'
  // Clusters view
  | 'refresh'
  | 'retry'
  | 'createRuntimeClass'
  | 'verifySandbox'
  | 'copyName'
  | 'useForManifestChecks'
  | 'stopManifestChecks'
  | 'selectKubeconfig'
  | 'installGvisorOnNode'
  | 'uninstallGvisorFromNode';

export const COMMAND_PREFIX = 'kubeSandbox.';

export function commandId(name: CommandName): string {
  return `${COMMAND_PREFIX}${name}`;
}
