// The node runs a command string through the login user's shell (RFC 4254 "exec"), so an
// argument vector has to become one string. Single quotes make every byte literal in a POSIX
// shell (sh, bash, dash, zsh, ksh, busybox ash), newlines included; a quote inside is closed,
// escaped and reopened. Shells outside POSIX (csh, fish) are not supported as login shells.

export function shQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('A command argument cannot contain a NUL byte.');
  // Plain words stay readable in logs; `=` is left out: a first word `A=b` would assign.
  if (/^[A-Za-z0-9_@%+:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('An empty command cannot be run.');
  return argv.map(shQuote).join(' ');
}
