// Runs Install (or Uninstall) gVisor on one or many nodes, in two phases. First every node is
// connected and planned (a dry run: nothing changes) and the plans, with the diffs of every file
// that will change, open in one read-only document; a modal asks for the go-ahead, its detail
// repeating each warning (e.g. a missing containerd shim). Then each node runs in its own
// cancellable progress notification, a bounded number at a time, with the full log in the
// output channel; a node whose plan differs from the one approved is left alone. A summary per
// node closes the plan document and a message says how it went.
import * as vscode from 'vscode';
import type { KubeApi } from '../../adapters/kube/kubeApi';
import { SshConnectError, SshRemoteHost } from '../../adapters/ssh';
import type { InstallProgress, InstallRequest } from '../../core/node/installer';
import type { CommandDeps } from '../commands/index';
import type { InstallSettings, NodeSshSettings } from '../config';
import { errorMessage, type Output } from '../output';
import { homedir } from 'node:os';
import { localUploads } from '../../adapters/files/localBinaries';
import { readSshConfig, resolveNode, targetTitle, type NodeTarget, type ResolvedNode } from './nodeConnection';
import { headline, type NodeOperation } from './nodeOperations';
import { NodePrompts } from './nodePrompts';
import type { NodeCommandOptions } from './nodeTargets';
import type { PlanDocuments } from './planDocuments';

export interface NodeResult {
  readonly node: string;
  /** `user@host:port`, once connected. */
  readonly target?: string;
  /** The core's outcome (installed, already-installed, …), or `unreachable`, `declined`, `changed`. */
  readonly outcome: string;
  readonly ok: boolean;
  /** The per-node summary, as in the output channel. */
  readonly summary: string;
  readonly error?: string;
}

export interface NodeCommandResult {
  readonly planUri?: string;
  /** The plan document's text when it was shown (before the results were added). */
  readonly planText?: string;
  readonly confirmed: boolean;
  readonly results: readonly NodeResult[];
}

type Report = { readonly outcome: string; readonly error?: string; readonly labelProblem?: string; readonly target: string };

interface Planned<P> {
  readonly index: number;
  readonly node: ResolvedNode;
  readonly host: SshRemoteHost;
  readonly cluster?: KubeApi;
  readonly request: InstallRequest;
  readonly plan: P;
}

export async function runNodeCommand<P, R extends Report>(
  deps: CommandDeps, docs: PlanDocuments, op: NodeOperation<P, R>, targets: readonly NodeTarget[], options: NodeCommandOptions,
): Promise<NodeCommandResult> {
  const { ctx, clusters } = deps;
  const out = ctx.output;
  const settings = ctx.config.install();
  const prompts = new NodePrompts(ctx.extension.secrets, out, options.unknownHostKey);
  const base = await baseRequest(settings, op.kind);
  const sshConfig = await readSshConfig(ctx.config);
  const hosts: SshRemoteHost[] = [];
  const results: NodeResult[] = targets.map((t) => ({ node: targetTitle(t), outcome: 'not-run', ok: false, summary: '' }));
  const title = `${op.verb} gVisor`;
  out.info(`${title} on ${targets.map(targetTitle).join(', ')}: ${describeSettings(settings)}`);
  try {
    const planned = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kube Sandbox: planning "${title}" on ${count(targets.length, 'node')}`, cancellable: true },
      async (progress, token) => {
        const signal = abortOn(token);
        return mapLimited(targets, settings.concurrency, async (target, index): Promise<Planned<P> | undefined> => {
          progress.report({ message: targetTitle(target) });
          let node: ResolvedNode | undefined;
          try {
            node = await resolveNode(target, ctx.config, sshConfig, async (context, name) => (await clusters.sessions.apiFor(context)).readNode(name, { timeoutMs: ctx.config.requestTimeoutMs(), signal }));
            for (const note of node.notes) out.warn(`[${node.title}] SSH config: ${note}`);
            out.info(`[${node.title}] Connecting to ${node.ssh.user}@${node.ssh.host}:${node.ssh.port ?? 22} (address from ${node.via})`);
            const host = await SshRemoteHost.connect(node.ssh, prompts.hooks(node, signal));
            hosts.push(host);
            const cluster = target.kind === 'node' ? await clusters.sessions.apiFor(target.context) : undefined;
            const request = requestFor(base, node.settings, target);
            let plan: P | undefined;
            const dry = await op.run({
              shell: host, address: node.ssh.host, signal, onProgress: logTo(out, node.title), onPlan: (p) => { plan = p; },
              ...(cluster ? { cluster } : {}),
            }, { ...request, dryRun: true });
            if (plan === undefined || dry.outcome !== 'dry-run') {
              results[index] = { node: node.title, target: host.label, outcome: dry.outcome, ok: false, summary: op.renderReport(dry), ...(dry.error ? { error: dry.error } : {}) };
              if (/sudo/i.test(dry.error ?? '')) await prompts.forget(node, 'sudo');
              return plan === undefined ? undefined : { index, node, host, request, plan, ...(cluster ? { cluster } : {}) };
            }
            await prompts.commit(node);
            return { index, node, host, request, plan, ...(cluster ? { cluster } : {}) };
          } catch (error) {
            if (node && error instanceof SshConnectError && error.reason === 'auth-failed') await prompts.forget(node, 'login');
            const message = errorMessage(error);
            results[index] = { node: targetTitle(target), outcome: 'unreachable', ok: false, summary: `Could not plan on ${targetTitle(target)}: ${message}\n`, error: message };
            return undefined;
          }
        });
      },
    );
    const shown = planned.filter((p): p is Planned<P> => p !== undefined);
    const planText = planDocument(op, title, shown, results);
    const uri = await docs.show(`${title} - ${targets.length === 1 ? targetTitle(targets[0] as NodeTarget) : count(targets.length, 'node')}`, planText);
    out.info(planText);
    const runnable = shown.filter((p) => results[p.index]?.outcome === 'not-run');
    let confirmed = runnable.length > 0;
    if (runnable.some((p) => op.changesSomething(p.plan)) && !options.skipConfirmation) {
      confirmed = await confirm(op, runnable);
      if (!confirmed) {
        for (const p of runnable) results[p.index] = { node: p.node.title, target: p.host.label, outcome: 'declined', ok: false, summary: `${op.verb} on ${p.node.title} not approved; nothing was changed.\n` };
      }
    }
    if (confirmed) {
      await mapLimited(runnable, settings.concurrency, async (p) => {
        results[p.index] = await runOne(op, p, out, prompts);
      });
    }
    const summaries = results.map((r) => r.summary).join('\n');
    docs.update(uri, `${planText}\n${'='.repeat(72)}\nResults\n\n${summaries}`);
    refreshTree(deps, targets);
    showSummary(op, results, out);
    return { planUri: uri.toString(), planText, confirmed, results };
  } finally {
    await Promise.all(hosts.map((h) => h.close().catch(() => undefined)));
  }
}

async function runOne<P, R extends Report>(op: NodeOperation<P, R>, p: Planned<P>, out: Output, prompts: NodePrompts): Promise<NodeResult> {
  let changedSince = false;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${op.doing} ${p.node.title}`, cancellable: true },
    (progress, token) => op.run({
      shell: p.host, address: p.node.ssh.host, signal: abortOn(token), ...(p.cluster ? { cluster: p.cluster } : {}),
      onProgress: (e) => {
        logTo(out, p.node.title)(e);
        if (e.kind === 'start') progress.report({ message: e.message });
      },
      onPlan: (plan) => {
        changedSince = op.planKey(plan) !== op.planKey(p.plan);
        return !changedSince;
      },
    }, p.request),
  );
  if (/sudo/i.test(report.error ?? '')) await prompts.forget(p.node, 'sudo');
  const text = changedSince
    ? `${p.node.title} changed since its plan was shown, so nothing was done there. Run the command again to see the new plan.\n`
    : op.renderReport(report);
  const ok = !changedSince && op.succeeded(report);
  (ok ? out.info.bind(out) : out.warn.bind(out))(`[${p.node.title}] ${text.trimEnd()}`);
  return {
    node: p.node.title, target: p.host.label, outcome: changedSince ? 'changed' : report.outcome, ok, summary: text,
    ...(report.error ? { error: report.error } : report.labelProblem ? { error: report.labelProblem } : {}),
  };
}

function planDocument<P>(op: NodeOperation<P, Report>, title: string, planned: readonly Planned<P>[], results: readonly NodeResult[]): string {
  const head = [
    `${title}: plan for ${count(results.length, 'node')}`,
    'Nothing has changed on any node yet. Each node runs only after you approve, and only if its plan is still this one.',
    '',
  ];
  const parts = planned.map((p) => `${op.renderPlan(p.host.label, p.plan)}${op.renderDiffs(p.plan)}`);
  const failed = results.filter((r) => r.outcome !== 'not-run').map((r) => `Node ${r.node}:\n  ${r.summary.trimEnd().replace(/\n/g, '\n  ')}\n`);
  return [...head, ...parts, ...failed].join('\n');
}

async function confirm<P>(op: NodeOperation<P, Report>, runnable: readonly Planned<P>[]): Promise<boolean> {
  const names = runnable.map((p) => p.node.title);
  const warnings = runnable.flatMap((p) => op.warnings(p.plan).map((w) => `${runnable.length > 1 ? `${p.node.title}: ` : ''}${w}`));
  const choice = await vscode.window.showWarningMessage(
    `${op.verb} gVisor on ${names.length <= 3 ? names.join(', ') : count(names.length, 'node')}?`,
    {
      modal: true,
      detail: `The plan, with every file that changes, is open in the editor. ${op.kind === 'install' ? 'A config that keeps the runtime from starting is rolled back.' : 'Configs go back to their backups.'}` +
        (warnings.length > 0 ? `\n\nWarnings:\n${warnings.map((w) => `• ${w}`).join('\n')}` : ''),
    },
    op.verb,
  );
  return choice === op.verb;
}

function showSummary(op: NodeOperation<unknown, Report>, results: readonly NodeResult[], out: Output): void {
  const show = (choice: string | undefined): void => { if (choice) out.show(false); };
  if (results.length === 1) {
    const r = results[0] as NodeResult;
    const first = headline(r.summary);
    const text = r.error && !r.ok && !first.includes(r.error) ? `${first} ${r.error}` : first;
    const severity = r.ok ? vscode.window.showInformationMessage : r.outcome === 'declined' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    void severity(text, 'Show Output').then(show);
    return;
  }
  const ok = results.filter((r) => r.ok);
  const failed = results.filter((r) => !r.ok);
  const text = `${op.verb} gVisor: done on ${ok.length} of ${count(results.length, 'node')}.` +
    (failed.length > 0 ? ` Not done: ${failed.map((r) => `${r.node} (${r.outcome})`).join(', ')}. The output has what to do for each.` : '');
  void (failed.length > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(text, 'Show Output').then(show);
}

/** The Clusters view shows the new label through its watch; a reload makes sure. */
function refreshTree(deps: CommandDeps, targets: readonly NodeTarget[]): void {
  const contexts = new Set(targets.flatMap((t) => (t.kind === 'node' ? [t.context] : [])));
  for (const context of contexts) {
    if (deps.clusters.sessions.existing(context)) deps.clusters.tree.model.refresh({ kind: 'nodesFolder', id: `${context}/nodes`, context });
  }
}

async function baseRequest(s: InstallSettings, kind: 'install' | 'uninstall'): Promise<InstallRequest> {
  const upload = s.method === 'upload' && kind === 'install';
  if (upload && !s.runscBinary) {
    throw new Error('kubeSandbox.install.method is "upload", which needs kubeSandbox.install.runscBinary (and kubeSandbox.install.shimBinary for pods to use gVisor). Set them, or choose another method.');
  }
  return {
    method: s.method,
    ...(s.version ? { version: s.version } : {}),
    ...(s.platform ? { platform: s.platform } : {}),
    ...(s.containerdConfig ? { containerdConfig: s.containerdConfig } : {}),
    ...(s.containerdDropIn ? { containerdDropIn: s.containerdDropIn } : {}),
    ...(s.restartCommand ? { restartCommand: ['sh', '-c', s.restartCommand] } : {}),
    ...(upload ? { upload: await localUploads(expandHome(s.runscBinary as string), s.shimBinary && expandHome(s.shimBinary), missingBinary) } : {}),
  };
}

/** Settings, then the node's own entry in kubeSandbox.nodes over them. */
function requestFor(base: InstallRequest, node: NodeSshSettings, target: NodeTarget): InstallRequest {
  return {
    ...base,
    ...(target.kind === 'node' ? { nodeName: target.name } : {}),
    ...(node.containerdConfig ? { containerdConfig: node.containerdConfig } : {}),
    ...(node.containerdDropIn ? { containerdDropIn: node.containerdDropIn } : {}),
    ...(node.binDir ? { binDir: node.binDir } : {}),
    ...(node.stateDir ? { stateDir: node.stateDir } : {}),
    // The user's own command, run by the node's shell as written (as root).
    ...(node.restartCommand ? { restartCommand: ['sh', '-c', node.restartCommand] } : {}),
  };
}

function describeSettings(s: InstallSettings): string {
  return `method ${s.method}${s.version ? ` ${s.version}` : ''}, platform ${s.platform}, ${s.concurrency} node(s) at a time`;
}

function logTo(out: Output, title: string): (e: InstallProgress) => void {
  return (e) => {
    const line = e.kind === 'log' ? `[${title}]   node: ${e.message}` : `[${title}] [${e.step}] ${e.message}`;
    if (e.kind === 'warn') out.warn(line);
    else out.info(line);
  };
}

function abortOn(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

async function mapLimited<T, U>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<U>): Promise<U[]> {
  const results = new Array<U>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function expandHome(path: string): string {
  return path.replace(/^~(?=\/|$)/, homedir());
}

function missingBinary(which: 'runsc' | 'shim', path: string): Error {
  const setting = which === 'runsc' ? 'kubeSandbox.install.runscBinary' : 'kubeSandbox.install.shimBinary';
  return new Error(`${setting} is ${path}, which does not exist or is not a file on this machine. Point it at the binary to upload.`);
}
