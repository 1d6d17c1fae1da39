// The entry both node commands share: Workspace Trust, the targets, then the run.
import * as vscode from 'vscode';
import type { CommandDeps } from '../commands/index';
import type { Ctx } from '../context';
import { runNodeCommand, type NodeCommandResult } from './nodeCommand';
import type { NodeOperation } from './nodeOperations';
import { nodeTargets } from './nodeTargets';
import { PlanDocuments } from './planDocuments';

const planDocuments = new WeakMap<Ctx, PlanDocuments>();

/** One plan-document provider per extension run, made on first use and owned by `ctx`. */
function docsFor(ctx: Ctx): PlanDocuments {
  let docs = planDocuments.get(ctx);
  if (!docs) {
    docs = ctx.push(new PlanDocuments());
    planDocuments.set(ctx, docs);
  }
  return docs;
}

export async function nodeCommand<P, R extends { readonly outcome: string; readonly error?: string; readonly labelProblem?: string; readonly target: string }>(
  deps: CommandDeps, op: NodeOperation<P, R>, arg: unknown, selection: unknown,
): Promise<NodeCommandResult | undefined> {
  const name = `${op.verb} gVisor ${op.kind === 'install' ? 'on' : 'from'} Node…`;
  if (!vscode.workspace.isTrusted) {
    const message = `${name} connects to nodes over SSH and changes them as root, which Kube Sandbox does not do from an untrusted workspace ` +
      '(its settings could point at other hosts, keys or binaries). Trust this workspace (Manage Workspace Trust), then run it again.';
    deps.ctx.output.warn(message);
    void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return undefined;
  }
  const chosen = await nodeTargets(deps.clusters, deps.ctx.config, arg, selection, op.verb);
  if (!chosen) return undefined;
  return runNodeCommand(deps, docsFor(deps.ctx), op, chosen.targets, chosen.options);
}
