import * as vscode from 'vscode';
import type { CallOptions, KubeApi, RuntimeClassResult } from '../../adapters/kube/kubeApi';
import type { RuntimeClassJson } from '../../core/cluster/kubeObjects';
import { describeRuntimeClassChanges, runtimeClassChanges } from '../../core/cluster/runtimeClassChanges';
import {
  buildRuntimeClass, isSandboxId, runtimeClassYaml, sandboxForHandler, sandboxKind, type SandboxId,
} from '../../core/runtime/sandboxCatalog';
import { ObjectPreview } from '../cluster/objectPreview';
import { contextOf, isClusterTreeNode } from '../tree/clusterTreeNodes';
import { requireTrust, targetContext } from './clusterTarget';
import type { CommandDeps } from './index';
import { askName, pickNodeSelector, pickSandbox } from './runtimeClassChoices';

/**
 * What Create RuntimeClass… accepts besides a tree element; anything left out is asked (the
 * name defaults to the sandbox's usual one when the sandbox is given). `confirm: false` skips
 * the preview and the confirmation (for automation and tests).
 */
export interface CreateRuntimeClassArgs {
  readonly context?: string;
  readonly sandbox?: string;
  readonly name?: string;
  /** `null`: no node selector, without asking. */
  readonly nodeSelector?: Readonly<Record<string, string>> | null;
  readonly confirm?: boolean;
}

export interface CreateRuntimeClassOutcome {
  readonly outcome: RuntimeClassResult['outcome'];
  readonly context: string;
  readonly name: string;
  /** The message shown, including what changed for an update. */
  readonly message: string;
}

/**
 * Create RuntimeClass…: gVisor or a Kata flavour from the catalog, an optional node selector, a
 * YAML preview with a modal confirmation, then create — or update in place (recreate when the
 * handler changes), reporting created / updated (what changed) / unchanged.
 */
export function createRuntimeClass({ ctx, clusters }: CommandDeps) {
  let preview: ObjectPreview | undefined;
  return async (arg?: unknown): Promise<CreateRuntimeClassOutcome | undefined> => {
    if (!requireTrust('Create RuntimeClass')) return undefined;
    const args = argsFrom(arg);
    const context = args.context ?? (await targetContext(clusters, undefined, 'Create a RuntimeClass in'));
    if (context === undefined) return undefined;
    if (args.sandbox !== undefined && !isSandboxId(args.sandbox)) {
      throw new Error(`"${args.sandbox}" is not a sandbox Kube Sandbox knows: use gvisor, kata-qemu, kata-clh or kata-fc.`);
    }
    const sandbox: SandboxId | undefined = args.sandbox ?? (await pickSandbox(args.name));
    if (sandbox === undefined) return undefined;
    const kind = sandboxKind(sandbox);
    // Asked only with the sandbox: a caller that names the sandbox takes its usual class name.
    const name = args.name ?? (args.sandbox === undefined ? await askName(kind) : kind.defaultName);
    if (name === undefined) return undefined;
    const api = await clusters.sessions.apiFor(context);
    const options = { timeoutMs: ctx.config.requestTimeoutMs() };
    const nodeSelector = args.nodeSelector !== undefined ? (args.nodeSelector ?? {}) : await pickNodeSelector(api, kind, options);
    if (nodeSelector === undefined) return undefined;
    const desired = buildRuntimeClass(sandbox, { name, nodeSelector });

    if (args.confirm !== false) {
      preview ??= ctx.push(new ObjectPreview());
      if (!(await confirm(preview, api, context, desired, options))) return undefined;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `RuntimeClass "${name}" in ${context}…`, cancellable: true },
      (_progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return api.createOrUpdateRuntimeClass(desired, { ...options, signal: controller.signal });
      },
    );
    const message = describeResult(result, context);
    ctx.output.info(message);
    void vscode.window.showInformationMessage(message);
    // The watch brings the change; a list that is not watching (failed, stale) is read again.
    const classes = clusters.sessions.existing(context)?.runtimeClasses;
    if (classes && (classes.state.kind !== 'loaded' || classes.state.stale !== undefined)) classes.reload();
    return { outcome: result.outcome, context, name, message };
  };
}

function argsFrom(arg: unknown): CreateRuntimeClassArgs {
  if (isClusterTreeNode(arg)) {
    const context = contextOf(arg);
    if (arg.kind === 'runtimeClass') {
      const sandbox = sandboxForHandler(arg.runtimeClass.handler)?.id;
      return { context, name: arg.name, ...(sandbox ? { sandbox } : {}) };
    }
    return context === undefined ? {} : { context };
  }
  return typeof arg === 'object' && arg !== null ? arg : {};
}

/** Shows the YAML and asks; nothing to ask when the class already is as requested. */
async function confirm(preview: ObjectPreview, api: KubeApi, context: string, desired: RuntimeClassJson, options: CallOptions): Promise<boolean> {
  const name = desired.metadata?.name ?? '';
  const [existing] = await api.listRuntimeClasses({ ...options, fieldSelector: `metadata.name=${name}` });
  const changes = existing ? runtimeClassChanges(existing, desired) : [];
  if (existing && changes.length === 0) return true;
  const what = existing
    ? `# Updates RuntimeClass "${name}" in cluster ${context}: ${describeRuntimeClassChanges(changes)}\n`
    : `# Creates RuntimeClass "${name}" in cluster ${context}\n`;
  const close = await preview.show(`${name}.runtimeclass.yaml`, `${what}${runtimeClassYaml(desired)}`);
  try {
    const handlerChanges = changes.some((change) => change.field === 'handler');
    const detail = existing
      ? `${describeRuntimeClassChanges(changes)}.${handlerChanges ? ' The handler cannot change in place: the class is deleted and created again; running pods keep their sandbox until they are recreated.' : ''}`
      : `Handler ${desired.handler ?? ''}. Pods that set runtimeClassName: ${name} will run in this sandbox.`;
    const action = existing ? 'Update' : 'Create';
    const choice = await vscode.window.showInformationMessage(`${action} RuntimeClass "${name}" in cluster "${context}"?`, { modal: true, detail }, action);
    return choice === action;
  } finally {
    await close();
  }
}

function describeResult(result: RuntimeClassResult, context: string): string {
  const rc = result.runtimeClass;
  const name = rc.metadata?.name ?? '';
  switch (result.outcome) {
    case 'created':
      return `Created RuntimeClass "${name}" (handler ${rc.handler ?? ''}) in cluster ${context}. Pods with runtimeClassName: ${name} now run in it, on nodes whose runtime has that handler.`;
    case 'unchanged':
      return `RuntimeClass "${name}" in cluster ${context} is already as requested: unchanged.`;
    case 'updated':
      return `Updated RuntimeClass "${name}" in cluster ${context}: ${describeRuntimeClassChanges(result.changes)}.` +
        (result.recreated ? ' It was recreated (the handler cannot change in place); running pods keep their old sandbox until recreated.' : '');
  }
}
