// Running as root from a non-root login. Passwordless sudo is detected first (`sudo -n
// true`); otherwise `sudo -k -S -p <random prompt>` reads the password from stdin, written
// only when that prompt appears, so the password never goes to anything but sudo's prompt.
// `-k` ignores cached credentials, so the prompt comes (or not) the same way every time.
// Stdin for the command is held back until the wrapper's start marker shows (exec.ts), so
// it can never be read by sudo as a password.
import { randomBytes } from 'node:crypto';
import { SudoError } from './remoteHost';

export type SudoMode = 'root' | 'nopasswd' | 'password';

/** Decides the mode from `id -u` and `sudo -n true` results. */
export function sudoModeFrom(
  uid: string, probe: { exitCode: number | null; stderr: string }, label: string,
): SudoMode {
  if (uid.trim() === '0') return 'root';
  if (probe.exitCode === 0) return 'nopasswd';
  if (/command not found|No such file/i.test(probe.stderr)) {
    throw new SudoError(`${label} has no sudo, and this step needs root. Connect as root, or install sudo on the node.`);
  }
  if (/may not run sudo|not in the sudoers|not allowed/i.test(probe.stderr)) {
    throw new SudoError(`${label} may not use sudo, and this step needs root. Connect as root or as a user with sudo rights.`);
  }
  // "a password is required" — also what sudo says before it knows whether the user may
  // run anything at all; a refusal after the password is reported by the command run.
  return 'password';
}

/** The words before `sh -c START_WRAPPER …`: nothing for root, `sudo -n` when no password
 * is needed, else `sudo -k -S -p <prompt>` with a fresh random prompt (returned). */
export function sudoPrefix(mode: SudoMode): { argv: string[]; prompt?: string } {
  if (mode === 'root') return { argv: [] };
  if (mode === 'nopasswd') return { argv: ['sudo', '-n', '--'] };
  const prompt = `[ksb-sudo-${randomBytes(12).toString('hex')}] `;
  return { argv: ['sudo', '-k', '-S', '-p', prompt, '--'], prompt };
}
