import * as vscode from 'vscode';
import type { ClusterServices } from '../cluster/clusterServices';
import type { Ctx } from '../context';
import type { ManifestAnalysisCache } from '../manifests/manifestAnalysisCache';
import { errorMessage, type Output } from '../output';
import { addRuntimeClass } from './addRuntimeClass';
import { copyName } from './copyName';
import { createRuntimeClass } from './createRuntimeClass';
import { exemptWorkload } from './exemptWorkload';
import { commandId, type CommandName } from './ids';
import { installGvisorOnNode } from './installGvisorOnNode';
import { refresh } from './refresh';
import { retry } from './retry';
import { sandboxAllWorkloadsInFile } from './sandboxAllWorkloadsInFile';
import { selectKubeconfig } from './selectKubeconfig';
import { showOutput } from './showOutput';
import { showWorkloadSandbox } from './showWorkloadSandbox';
import { stopManifestChecks } from './stopManifestChecks';
import { useForManifestChecks } from './useForManifestChecks';
import { uninstallGvisorFromNode } from './uninstallGvisorFromNode';
import { verifySandbox } from './verifySandbox';

/** What command factories may use; each takes only what it needs. */
export interface CommandDeps {
  readonly ctx: Ctx;
  readonly manifests: ManifestAnalysisCache;
  readonly clusters: ClusterServices;
}

// `never[]` accepts handlers with any parameter list: VS Code passes whatever the caller gave.
type CommandFactory = (deps: CommandDeps) => (...args: never[]) => unknown;

/** The one command table: short name → factory. Registered below as `kubeSandbox.<name>`. */
const COMMANDS: Record<CommandName, CommandFactory> = {
  sandboxAllWorkloadsInFile,
  addRuntimeClass,
  exemptWorkload,
  showWorkloadSandbox,
  showOutput,
  refresh,
  retry,
  createRuntimeClass,
  verifySandbox,
  copyName,
  useForManifestChecks,
  stopManifestChecks,
  selectKubeconfig,
  installGvisorOnNode,
  uninstallGvisorFromNode,
};

export function registerCommands(deps: CommandDeps): void {
  for (const [name, factory] of Object.entries(COMMANDS) as [CommandName, CommandFactory][]) {
    deps.ctx.push(vscode.commands.registerCommand(commandId(name), guarded(name, factory(deps), deps.ctx.output)));
  }
}

/**
 * Turns a thrown error into one error message (with a way to the log) and one log line with
 * the stack, instead of VS Code's generic "command failed". The command then resolves to
 * undefined, so a caller awaiting it is not left with a rejection nobody handles.
 */
function guarded(name: CommandName, handler: (...args: never[]) => unknown, output: Output) {
  return async (...args: unknown[]): Promise<unknown> => {
    try {
      return await handler(...(args as never[]));
    } catch (error) {
      output.error(`Command ${commandId(name)} failed.`, error);
      void vscode.window.showErrorMessage(`Kube Sandbox: ${errorMessage(error)}`, 'Show Output').then((choice) => {
        if (choice) output.show(false);
      });
      return undefined;
    }
  };
}
