// Runs the CLI in-process against real temp copies of test/fixtures/cli.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';

/** The repository root, from out/test/unit/cli (compiled) or test/unit/cli (source). */
export const REPO_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../../..' : '../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'cli');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a synchronous (file-only) command. */
export function runIn(cwd: string, ...argv: string[]): CliRun {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  if (typeof code !== 'number') throw new Error(`'${argv[0] ?? ''}' is an async command: use runInAsync`);
  return { code, stdout, stderr };
}

/** Runs any command, awaiting the async ones (those that reach a cluster or a node). */
export async function runInAsync(cwd: string, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** A fresh temp folder holding a copy of the named fixture folders; removed by the returned cleanup. */
export function tempCopy(...fixtures: string[]): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-cli-'));
  for (const fixture of fixtures) fs.cpSync(path.join(FIXTURES, fixture), path.join(dir, fixture), { recursive: true });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` with its bytes, to prove a command changed nothing. */
export function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  }
  return files;
}
