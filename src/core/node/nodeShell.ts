// What the installer needs from the outside world, as small structural interfaces: the SSH
// adapter's RemoteHost and the cluster adapter's KubeApi satisfy them as they are, and the
// core never imports an adapter.
import type { NodeJson } from '../cluster/kubeObjects';

export interface NodeExecOptions {
  asRoot?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  onStderr?: (chunk: Buffer) => void;
}

export interface NodeExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface NodeShell {
  /** `user@host:port`, for messages. */
  readonly label: string;
  readonly user: string;
  exec(argv: readonly string[], options?: NodeExecOptions): Promise<NodeExecResult>;
  writeFile(remotePath: string, data: Buffer | string, options?: { mode?: number; signal?: AbortSignal }): Promise<void>;
  uploadFile(localPath: string, remotePath: string, options?: { mode?: number; signal?: AbortSignal }): Promise<void>;
}

export interface NodeLabeler {
  labelNode(name: string, key: string, value: string | null, options?: { signal?: AbortSignal }): Promise<unknown>;
  listNodes(options?: { signal?: AbortSignal }): Promise<readonly NodeJson[]>;
}
