// Entry point of the `kube-sandbox` CLI (bundled to dist/cli.js): picks the command, turns
// usage errors into a message and exit status 2, and leaves the process to exit on its own
// once stdout and stderr have drained.
import { UsageError } from './cliArgs';
import { EXIT_FAILURE, EXIT_OK, processIo, type CliIo } from './cliIo';
import { fixCommand } from './fixCommand';
import { installGvisorCommand } from './installGvisorCommand';
import { lintCommand } from './lintCommand';
import { nodesCommand } from './nodesCommand';
import { runtimeClassCommand } from './runtimeClassCommand';
import { FIX_USAGE, INSTALL_GVISOR_USAGE, LINT_USAGE, MAIN_USAGE, NODES_USAGE, RUNTIMECLASS_USAGE, VERIFY_USAGE } from './usage';
import { verifyCommand } from './verifyCommand';
import { TOOL_VERSION } from './version';

/** Commands that reach a cluster or a node are async; the file-only ones stay synchronous. */
type CommandRun = (args: readonly string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, { run: CommandRun; usage: string }> = {
  lint: { run: lintCommand, usage: LINT_USAGE },
  fix: { run: fixCommand, usage: FIX_USAGE },
  'install-gvisor': { run: installGvisorCommand, usage: INSTALL_GVISOR_USAGE },
  nodes: { run: nodesCommand, usage: NODES_USAGE },
  runtimeclass: { run: runtimeClassCommand, usage: RUNTIMECLASS_USAGE },
  verify: { run: verifyCommand, usage: VERIFY_USAGE },
};

/** Runs one CLI invocation and returns its exit status. */
export function runCli(argv: readonly string[], io: CliIo): number | Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(MAIN_USAGE);
    return EXIT_FAILURE;
  }
  if (first === '-h' || first === '--help' || (first === 'help' && rest.length === 0)) {
    io.stdout(MAIN_USAGE);
    return EXIT_OK;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${TOOL_VERSION}\n`);
    return EXIT_OK;
  }
  const helpFor = first === 'help' ? rest[0] : undefined;
  const name = helpFor ?? first;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr(`kube-sandbox: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. Run 'kube-sandbox --help' for usage.\n`);
    return EXIT_FAILURE;
  }
  if (helpFor !== undefined) {
    io.stdout(command.usage);
    return EXIT_OK;
  }
  const failed = (error: unknown): number => {
    if (error instanceof UsageError) {
      io.stderr(`kube-sandbox ${first}: ${error.message}\nRun 'kube-sandbox ${first} --help' for usage.\n`);
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      io.stderr(`kube-sandbox ${first}: internal error; nothing more was done. Please report this with the output below.\n${detail}\n`);
    }
    return EXIT_FAILURE;
  };
  try {
    const result = command.run(rest, io);
    return typeof result === 'number' ? result : result.catch(failed);
  } catch (error) {
    return failed(error);
  }
}

function main(): void {
  // A reader that goes away early (`kube-sandbox lint | head`) is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const result = runCli(process.argv.slice(2), processIo());
  if (typeof result === 'number') process.exitCode = result;
  else void result.then((code) => { process.exitCode = code; });
}

if (require.main === module) main();
