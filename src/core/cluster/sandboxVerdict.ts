// Is this container sandboxed? The manual check, as a function of its evidence: gVisor's kernel
// log starts with "Starting gVisor...", and a sandboxed container reports a kernel other than the
// node's (gVisor's own, `4.4.0` in older releases and `4.19.0-gvisor` in newer ones, or a Kata
// guest VM's). The guest kernel is never hard-coded: only "differs from the node's" counts.

/** What one command run in the container gave back. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface SandboxEvidenceInput {
  /** The node's `status.nodeInfo.kernelVersion`; empty or undefined when it did not say. */
  readonly nodeKernel: string | undefined;
  /** `uname -r` in the container; undefined when it could not be run at all. */
  readonly uname: CommandOutput | undefined;
  /** `dmesg` in the container; undefined when it could not be run at all. */
  readonly dmesg: CommandOutput | undefined;
}

/** `unknown`: the evidence does not decide (no kernel from the container, or it contradicts itself). */
export type SandboxVerdictKind = 'gvisor' | 'vm' | 'none' | 'unknown';

export interface SandboxVerdict {
  readonly verdict: SandboxVerdictKind;
  /** One line for a notification: "Sandboxed by gVisor: …". */
  readonly summary: string;
  /** The lines the verdict rests on, for the output channel and the CLI. */
  readonly evidence: string[];
}

const GVISOR_BOOT = /Starting gVisor/;

function firstLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
}

function containerKernel(uname: CommandOutput | undefined): string | undefined {
  if (!uname || uname.exitCode !== 0) return undefined;
  return firstLine(uname.stdout) || undefined;
}

/** The kernel a real Linux kernel log names in its first line ("Linux version 6.1.0-18-amd64 (…"). */
function dmesgKernel(text: string): string | undefined {
  return /Linux version (\S+)/.exec(text)?.[1];
}

function describeFailure(name: string, output: CommandOutput | undefined): string {
  if (!output) return `${name} could not be run in the container.`;
  const why = firstLine(output.stderr) || firstLine(output.stdout) || 'no output';
  return `${name} failed (exit ${output.exitCode}): ${why}`;
}

export function sandboxVerdict(input: SandboxEvidenceInput): SandboxVerdict {
  const evidence: string[] = [];
  const nodeKernel = input.nodeKernel?.trim() || undefined;
  const kernel = containerKernel(input.uname);
  const dmesgOk = input.dmesg !== undefined && input.dmesg.exitCode === 0;
  const dmesgText = dmesgOk ? (input.dmesg?.stdout ?? '') : '';
  const gvisorLine = dmesgText.split(/\r?\n/).find((l) => GVISOR_BOOT.test(l))?.trim();

  evidence.push(
    kernel !== undefined ? `Container kernel (uname -r): ${kernel}` : `Container kernel unknown: ${describeFailure('uname -r', input.uname)}`,
    nodeKernel !== undefined ? `Node kernel (status.nodeInfo.kernelVersion): ${nodeKernel}` : 'Node kernel unknown: the node reports no status.nodeInfo.kernelVersion.',
  );
  if (gvisorLine) evidence.push(`dmesg: ${gvisorLine}`);
  else if (dmesgOk) {
    const logKernel = dmesgKernel(dmesgText);
    evidence.push(logKernel ? `dmesg: the kernel log is Linux ${logKernel}'s, not gVisor's.` : 'dmesg: no "Starting gVisor" line.');
  } else {
    // Outside a sandbox this is the usual case: kernel.dmesg_restrict and no CAP_SYSLOG.
    evidence.push(`${describeFailure('dmesg', input.dmesg)} (usual for an unprivileged container; the kernel comparison decides).`);
  }

  const differs = kernel !== undefined && nodeKernel !== undefined && kernel !== nodeKernel;
  const same = kernel !== undefined && nodeKernel !== undefined && kernel === nodeKernel;

  if (gvisorLine && !same) {
    const how = differs ? `its kernel is ${kernel}, the node's ${nodeKernel}` : 'its kernel log is gVisor\'s';
    return { verdict: 'gvisor', summary: `Sandboxed by gVisor: ${how}.`, evidence };
  }
  if (gvisorLine && same) {
    return {
      verdict: 'unknown',
      summary: `Could not tell: the kernel log says gVisor, but the container reports the node's own kernel ${kernel}. Run Verify Sandbox again, or check the pod's RuntimeClass.`,
      evidence,
    };
  }
  if (differs) {
    return {
      verdict: 'vm',
      summary: `Sandboxed (VM kernel): the container runs kernel ${kernel}, the node ${nodeKernel}; no gVisor boot log, so this looks like a VM sandbox such as Kata.`,
      evidence,
    };
  }
  if (same) {
    return {
      verdict: 'none',
      summary: `Not sandboxed: the container shares the node's kernel ${kernel}. Give the pod a sandboxed runtimeClassName (e.g. gvisor) and recreate it.`,
      evidence,
    };
  }
  const missing = kernel === undefined ? 'the container did not report its kernel (uname -r)' : 'the node does not report its kernel';
  return { verdict: 'unknown', summary: `Could not tell whether the container is sandboxed: ${missing}.`, evidence };
}
