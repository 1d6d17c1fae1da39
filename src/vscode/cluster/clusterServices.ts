import * as vscode from 'vscode';
import type { Ctx } from '../context';
import type { ManifestAnalysisCache } from '../manifests/manifestAnalysisCache';
import { MANIFEST_SELECTOR } from '../manifests/manifestDocuments';
import { ClusterTreeView } from '../tree/clusterTreeView';
import { ClusterSessions } from './clusterSessions';
import { ManifestClusterSource } from './manifestCluster';
import { RuntimeClassCompletionProvider } from './runtimeClassCompletion';
import { UnknownClassActionProvider } from './unknownClassActions';

/** Everything about clusters that commands use: sessions, the Clusters view, the cluster for manifest checks. */
export interface ClusterServices {
  readonly sessions: ClusterSessions;
  readonly checks: ManifestClusterSource;
  readonly tree: ClusterTreeView;
}

/** Creates the cluster side of the extension; everything is owned (and disposed) by `ctx`. */
export function createClusterServices(ctx: Ctx, manifests: ManifestAnalysisCache): ClusterServices {
  const sessions = ctx.push(new ClusterSessions(ctx.config, ctx.output));
  const checks = ctx.push(new ManifestClusterSource(ctx.extension.workspaceState, sessions, ctx.config, ctx.output));
  const tree = ctx.push(new ClusterTreeView(sessions, ctx.contextKeys, checks));
  ctx.push(vscode.languages.registerCompletionItemProvider(
    MANIFEST_SELECTOR,
    new RuntimeClassCompletionProvider(ctx.config, checks),
    ...RuntimeClassCompletionProvider.triggerCharacters,
  ));
  ctx.push(vscode.languages.registerCodeActionsProvider(
    MANIFEST_SELECTOR,
    new UnknownClassActionProvider(manifests, checks, ctx.config),
    UnknownClassActionProvider.metadata(),
  ));
  return { sessions, checks, tree };
}
