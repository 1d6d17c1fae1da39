// Every rule, in the order their findings are reported for a workload.
import type { Rule } from './rule';
import { sandboxHostNamespace } from './sandboxHostNamespace';
import { sandboxHostPath } from './sandboxHostPath';
import { sandboxPrivileged } from './sandboxPrivileged';
import { unknownRuntimeClass } from './unknownRuntimeClass';
import { unsandboxedWorkload } from './unsandboxedWorkload';

export const RULES: readonly Rule[] = [unknownRuntimeClass, unsandboxedWorkload, sandboxHostNamespace, sandboxPrivileged, sandboxHostPath];
export type { Rule, RuleFinding, RuleInput } from './rule';
