import * as vscode from 'vscode';
import type { KubeApi } from '../../adapters/kube/kubeApi';
import { verifySandbox as verify, VerifyProblem, type SandboxVerification, type VerifyTarget } from '../../core/cluster/verifySandbox';
import { isClusterTreeNode } from '../tree/clusterTreeNodes';
import { requireTrust, targetContext } from './clusterTarget';
import type { CommandDeps } from './index';

/** A pod to verify when the command is not run on a tree element. */
export interface VerifySandboxArgs extends VerifyTarget {
  readonly context: string;
}

/** What the command resolves to: the verification, or why the pod could not be checked. */
export type VerifySandboxOutcome = SandboxVerification | { readonly problem: string };

/**
 * Verify Sandbox: runs `uname -r` and `dmesg` in the pod's container and compares with its
 * node's kernel. The verdict is a message ("Sandboxed by gVisor", "Sandboxed (VM kernel)",
 * "Not sandboxed"); the evidence lines go to the output channel.
 */
export function verifySandbox({ ctx, clusters }: CommandDeps) {
  return async (arg?: unknown): Promise<VerifySandboxOutcome | undefined> => {
    if (!requireTrust('Verify Sandbox')) return undefined;
    const target = await targetOf(arg, clusters, ctx.config.requestTimeoutMs());
    if (!target) return undefined;
    const api = await clusters.sessions.apiFor(target.context);
    const where = `pod "${target.namespace}/${target.pod}" in cluster ${target.context}`;
    let result: SandboxVerification;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Verifying the sandbox of ${where}…`, cancellable: true },
        (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return verify(api, target, { timeoutMs: ctx.config.requestTimeoutMs(), signal: controller.signal });
        },
      );
    } catch (error) {
      if (!(error instanceof VerifyProblem)) throw error;
      ctx.output.warn(`Verify Sandbox: ${error.message}`);
      void vscode.window.showWarningMessage(error.message);
      return { problem: error.message };
    }
    ctx.output.info([
      `Verify Sandbox: ${where}, container "${result.container}" on node ${result.node}: ${result.summary}`,
      ...result.evidence.map((line) => `  ${line}`),
    ].join('\n'));
    const message = `Pod "${result.namespace}/${result.pod}": ${result.summary}`;
    const show = result.verdict === 'gvisor' || result.verdict === 'vm' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(message, 'Show Evidence').then((choice) => {
      if (choice) ctx.output.show(false);
    });
    return result;
  };
}

async function targetOf(arg: unknown, clusters: CommandDeps['clusters'], timeoutMs: number): Promise<VerifySandboxArgs | undefined> {
  if (isClusterTreeNode(arg)) {
    if (arg.kind === 'pod') return { context: arg.context, namespace: arg.namespace, pod: arg.name };
    void vscode.window.showInformationMessage('Verify Sandbox works on a pod: expand a node in the Clusters view and run it on one of its pods.');
    return undefined;
  }
  const given = arg as Partial<VerifySandboxArgs> | undefined;
  if (typeof given?.context === 'string' && typeof given.namespace === 'string' && typeof given.pod === 'string') {
    return { context: given.context, namespace: given.namespace, pod: given.pod, ...(given.container ? { container: given.container } : {}) };
  }
  const context = await targetContext(clusters, undefined, 'Verify the sandbox of a pod in');
  if (context === undefined) return undefined;
  return pickPod(await clusters.sessions.apiFor(context), context, timeoutMs);
}

async function pickPod(api: KubeApi, context: string, timeoutMs: number): Promise<VerifySandboxArgs | undefined> {
  const pods = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Listing the pods of ${context}` },
    () => api.listPods({ timeoutMs, fieldSelector: 'status.phase=Running' }),
  );
  if (pods.length === 0) {
    void vscode.window.showInformationMessage(`Cluster ${context} has no running pod to verify.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    pods.map((pod) => ({
      label: pod.metadata?.name ?? '',
      description: [pod.metadata?.namespace, pod.spec?.nodeName, pod.spec?.runtimeClassName ?? 'no RuntimeClass'].filter(Boolean).join(' · '),
      namespace: pod.metadata?.namespace ?? 'default',
    })),
    { title: `Verify Sandbox in ${context}`, placeHolder: 'Running pod', matchOnDescription: true },
  );
  return picked ? { context, namespace: picked.namespace, pod: picked.label } : undefined;
}
