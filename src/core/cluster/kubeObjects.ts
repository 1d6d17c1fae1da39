// The parts of Kubernetes API objects that the cluster logic reads, as the plain JSON the API
// server sends. Typed loosely on purpose: every field may be missing on some server version.

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
}

export interface NodeCondition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface NodeSystemInfo {
  readonly containerRuntimeVersion?: string;
  readonly kernelVersion?: string;
  readonly osImage?: string;
  readonly architecture?: string;
  readonly operatingSystem?: string;
  readonly kubeletVersion?: string;
}

/** `status.runtimeHandlers` (Kubernetes 1.30+); the default handler has an empty name. */
export interface NodeRuntimeHandler {
  readonly name?: string;
  readonly features?: object;
}

export interface NodeJson {
  readonly metadata?: ObjectMeta;
  readonly status?: {
    readonly conditions?: readonly NodeCondition[];
    readonly nodeInfo?: NodeSystemInfo;
    readonly runtimeHandlers?: readonly NodeRuntimeHandler[];
  };
}

export interface ContainerStatus {
  readonly name?: string;
  readonly ready?: boolean;
  readonly state?: {
    readonly running?: object;
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly terminated?: { readonly reason?: string; readonly exitCode?: number };
  };
}

export interface PodJson {
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly nodeName?: string;
    readonly runtimeClassName?: string;
    readonly containers?: readonly { readonly name?: string; readonly image?: string }[];
  };
  readonly status?: { readonly phase?: string; readonly containerStatuses?: readonly ContainerStatus[] };
}

export interface RuntimeClassJson {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly handler?: string;
  readonly overhead?: { readonly podFixed?: Readonly<Record<string, string>> };
  readonly scheduling?: {
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly tolerations?: readonly object[];
  };
}

/** The node label Kube Sandbox sets once gVisor is installed on a node (value: runsc version). */
export const GVISOR_NODE_LABEL = 'kube-sandbox.dev/gvisor';

/** Handlers that run a pod in a sandbox: gVisor's `runsc` and Kata's `kata*` handlers. */
export function isSandboxHandler(handler: string | undefined): boolean {
  return handler === 'runsc' || (handler !== undefined && handler.startsWith('kata'));
}
