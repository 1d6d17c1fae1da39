// What a command needs from the process: where it runs and where its output goes. Commands
// receive it as a parameter, so tests run them in-process against real temp folders.
export interface CliIo {
  /** Folder that relative PATH arguments and reported file names are relative to. */
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const EXIT_OK = 0;
/** `lint` found something at warning or error severity. */
export const EXIT_FINDINGS = 1;
/** Bad usage, or a file that could not be read or written: the job was not done. */
export const EXIT_FAILURE = 2;

/** The real process: writes go to the streams, which Node drains before the process exits. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
}
