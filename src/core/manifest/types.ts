// Public shapes of manifest analysis. Offsets are UTF-16 code-unit indices into the text
// (what JavaScript strings and VS Code's `TextDocument.positionAt` use), so the editor layer
// converts them without re-reading the file.

export type Severity = 'error' | 'warning' | 'information';

export type RuleCode =
  | 'unsandboxed-workload'
  | 'sandbox-host-namespace'
  | 'sandbox-privileged'
  | 'sandbox-host-path'
  | 'unknown-runtime-class';

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/** A minimal edit: replace text[start, end) with newText (start === end inserts). */
export interface TextEdit extends TextRange {
  readonly newText: string;
}

export interface AnalysisOptions {
  /** RuntimeClass names that count as sandboxed; `*` globs allowed (e.g. `kata-*`). */
  readonly sandboxClasses: readonly string[];
  /** Workloads in these namespaces are not asked to be sandboxed. */
  readonly exemptNamespaces: readonly string[];
  /**
   * The RuntimeClasses of the cluster chosen for live checks, name → handler. When set, a
   * `runtimeClassName` the cluster lacks is an error (its API server refuses such pods), and a
   * class whose handler is runsc or kata* counts as sandboxed whatever its name.
   */
  readonly clusterClasses?: ReadonlyMap<string, string>;
  /** That cluster's name (its kubeconfig context), for messages. */
  readonly clusterName?: string;
}

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = {
  sandboxClasses: ['gvisor', 'kata', 'kata-*'],
  exemptNamespaces: ['kube-system'],
};

export const EXEMPTION_ANNOTATION = 'kube-sandbox.dev/unsandboxed-reason';

export type SandboxState =
  | { readonly kind: 'sandboxed'; readonly runtimeClass: string }
  | { readonly kind: 'unsandboxed'; readonly runtimeClass?: string }
  | { readonly kind: 'exempt'; readonly reason: string; readonly by: 'annotation' | 'namespace'; readonly runtimeClass?: string };

/** Where an edit to a mapping goes; produced by analysis, consumed by the edit builders. */
export interface MappingAnchor {
  /** Range of the whole mapping node (for flow style, braces included). */
  readonly range: TextRange;
  readonly style: 'block' | 'flow';
  /** Column of the mapping's keys (block style). */
  readonly indent: number;
  /** Offset just after the last key/value pair (before any trailing comment or newline). */
  readonly contentEnd: number;
  /** Offset of the first key, when there is one. */
  readonly firstKey?: number;
  /** Keys written in double quotes (JSON): insertions follow suit. */
  readonly quotedKeys: boolean;
}

export interface Workload {
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  /** Index of the YAML document in the file (0-based); items of a List share their document's index. */
  readonly documentIndex: number;
  /** The whole resource node. */
  readonly range: TextRange;
  /** Where the workload is named in the text: the `kind` value, for lenses and diagnostics. */
  readonly anchor: TextRange;
  readonly sandbox: SandboxState;
  /** The pod spec mapping; insertions of `runtimeClassName` go here. */
  readonly podSpec: MappingAnchor;
  /** The `runtimeClassName` value when present (its range, for replacement). */
  readonly runtimeClassValue?: TextRange;
  /** The resource's own `metadata` mapping, when present; the exemption annotation goes here. */
  readonly metadata?: MappingAnchor;
  /** The `metadata.annotations` mapping, when present. */
  readonly annotations?: MappingAnchor;
  /** `metadata:` or `annotations:` present with no value (or `null`): the value's range, empty when absent. */
  readonly metadataNull?: TextRange;
  readonly annotationsNull?: TextRange;
  /** The resource mapping itself (to create `metadata` when it is missing). */
  readonly resource: MappingAnchor;
}

export interface Finding {
  readonly code: RuleCode;
  readonly severity: Severity;
  readonly message: string;
  readonly range: TextRange;
  /** Index into `ManifestAnalysis.workloads`. */
  readonly workloadIndex: number;
}

export interface SyntaxProblem {
  readonly documentIndex: number;
  readonly message: string;
  readonly range: TextRange;
}

export interface ManifestAnalysis {
  /** Set when the file was not analysed at all, with the reason (e.g. a Helm template). */
  readonly skipped?: string;
  readonly workloads: readonly Workload[];
  readonly findings: readonly Finding[];
  /** Documents that could not be parsed; they contribute no workloads and no findings. */
  readonly syntaxProblems: readonly SyntaxProblem[];
  /** The text's line ending, for edits. */
  readonly eol: '\n' | '\r\n';
}
