// The one interface the rest of the extension uses to act on a node. Commands are argument
// vectors, never command strings: the implementation quotes each argument, so text from a
// user, a setting or a cluster object can never become shell syntax on the node.

export interface ExecOptions {
  /** Run as root: through sudo when the login user is not root (a no-op for root). */
  asRoot?: boolean;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  /** Per-command deadline; on expiry the command is signalled, its channel closed, and the
   * call fails with a RemoteTimeoutError. Defaults to the connection's commandTimeoutMs. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ExecResult {
  /** null when the command died from a signal. */
  exitCode: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface TransferOptions {
  /** Permission bits of the written file, e.g. 0o755. */
  mode?: number;
  /** Write as root (through sudo for a non-root login): needed for paths like /usr/local/bin. */
  asRoot?: boolean;
  signal?: AbortSignal;
}

export interface RemoteHost {
  /** `user@host:port`, for messages and logs. */
  readonly label: string;
  readonly user: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Writes a local file to the node atomically (temporary name, then rename). */
  uploadFile(localPath: string, remotePath: string, options?: TransferOptions): Promise<void>;
  /** Writes bytes to a node file atomically (temporary name, then rename). */
  writeFile(remotePath: string, data: Buffer | string, options?: TransferOptions): Promise<void>;
  readFile(remotePath: string, options?: { asRoot?: boolean; signal?: AbortSignal }): Promise<Buffer>;
  /** Lower-case hex SHA-256 of a node file, computed on the node. */
  sha256(remotePath: string, options?: { asRoot?: boolean; signal?: AbortSignal }): Promise<string>;
  close(): Promise<void>;
}

/** A remote operation hit its deadline. */
export class RemoteTimeoutError extends Error {
  override readonly name = 'RemoteTimeoutError';
}

/** The caller's AbortSignal fired. */
export class RemoteAbortError extends Error {
  override readonly name = 'AbortError';
}

/** Connecting failed: unreachable, host key refused, or authentication refused. `reason`
 * lets callers (and tests) tell them apart without parsing the message. */
export class SshConnectError extends Error {
  override readonly name = 'SshConnectError';
  constructor(
    message: string,
    readonly reason: 'unreachable' | 'timeout' | 'host-key-changed' | 'host-key-revoked'
      | 'host-key-rejected' | 'auth-failed' | 'aborted' | 'protocol',
  ) {
    super(message);
  }
}

/** sudo refused: wrong password, no sudo rights, or no password available. */
export class SudoError extends Error {
  override readonly name = 'SudoError';
}
