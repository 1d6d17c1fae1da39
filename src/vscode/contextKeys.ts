import * as vscode from 'vscode';

/**
 * Every context key that package.json `when` clauses read, with the type of its value.
 * A key used in package.json and missing here (or the reverse) is a bug; keeping them in one
 * list makes that visible in review.
 */
export interface ContextKeyValues {
  /** The active editor's manifest has at least one workload that is neither sandboxed nor exempt. */
  'kubeSandbox.editorHasUnsandboxedWorkloads': boolean;
  /** No kubeconfig gives a context (none found, or it defines none): the Clusters view shows its welcome. */
  'kubeSandbox.noKubeconfig': boolean;
}

export type ContextKey = keyof ContextKeyValues;

/**
 * Sets context keys, skipping the `setContext` round trip to the workbench when the value
 * has not changed (the editor-state keys are recomputed on every keystroke).
 */
export class ContextKeys {
  private readonly values = new Map<ContextKey, unknown>();

  async set<K extends ContextKey>(key: K, value: ContextKeyValues[K]): Promise<void> {
    if (this.values.has(key) && this.values.get(key) === value) return;
    this.values.set(key, value);
    await vscode.commands.executeCommand('setContext', key, value);
  }

  get<K extends ContextKey>(key: K): ContextKeyValues[K] | undefined {
    return this.values.get(key) as ContextKeyValues[K] | undefined;
  }
}
