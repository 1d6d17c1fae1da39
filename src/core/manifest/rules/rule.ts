import type { AnalysisOptions, RuleCode, SandboxState, Severity } from '../types';
import type { DocWorkload } from '../workloads';

/** A finding with offsets relative to its document chunk. */
export interface RuleFinding {
  readonly code: RuleCode;
  readonly severity: Severity;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface RuleInput {
  readonly workload: DocWorkload;
  readonly sandbox: SandboxState;
  readonly options: AnalysisOptions;
}

export type Rule = (input: RuleInput) => RuleFinding[];
