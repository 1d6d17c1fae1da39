// One wrapper over node's parseArgs, so every command reports bad usage the same way.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad command-line usage; the message is shown to the user with a pointer to --help. */
export class UsageError extends Error {}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes whose messages read well as they are.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message);
    throw error;
  }
}

/** Values of a repeatable option, rejecting empty ones (`--runtime-class ''`). */
export function nonEmptyValues(values: readonly string[] | undefined, option: string): string[] | undefined {
  if (values === undefined) return undefined;
  for (const value of values) {
    if (value.trim() === '') throw new UsageError(`--${option} needs a value, got an empty string.`);
  }
  return values.map((value) => value.trim());
}
