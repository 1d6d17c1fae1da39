// The `contextValue` of every item in the Clusters view. package.json menus match them by
// equality (`viewItem == pod`), never by pattern, so this list and the menus must agree; the
// integration suite checks that every `viewItem` in package.json is one of these.

export const CONTEXT_VALUES = {
  cluster: 'cluster',
  /** The cluster chosen for manifest checks: offers "Stop Using for Manifest Checks" instead. */
  clusterForChecks: 'clusterForChecks',
  nodesFolder: 'nodesFolder',
  runtimeClassesFolder: 'runtimeClassesFolder',
  node: 'node',
  pod: 'pod',
  runtimeClass: 'runtimeClass',
  /** A failure with a Retry action. */
  error: 'error',
  loading: 'loading',
  info: 'info',
} as const;

export type ContextValue = (typeof CONTEXT_VALUES)[keyof typeof CONTEXT_VALUES];
