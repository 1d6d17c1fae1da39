// The rules of kubeconfig exec credential plugins (client.authentication.k8s.io), as kubectl
// applies them: which exec entries are usable, what the plugin is told in KUBERNETES_EXEC_INFO,
// what a valid answer looks like, how long it may be used, and what to tell the user when it
// goes wrong. Running the plugin is the adapter's job (adapters/kube/execCredential.ts).
//
// Reference: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins

export const EXEC_API_V1 = 'client.authentication.k8s.io/v1';
export const EXEC_API_V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const EXEC_API_V1ALPHA1 = 'client.authentication.k8s.io/v1alpha1';

export type InteractiveMode = 'Never' | 'IfAvailable' | 'Always';

/** A kubeconfig `users[].user.exec` entry that can be run. */
export interface ExecConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion: typeof EXEC_API_V1 | typeof EXEC_API_V1BETA1;
  readonly installHint?: string;
  readonly interactiveMode: InteractiveMode;
  readonly provideClusterInfo: boolean;
}

/** What `spec.cluster` carries when the exec entry asks for `provideClusterInfo`. */
export interface ExecClusterInfo {
  readonly server: string;
  /** Base64 of the PEM bundle, as the kubeconfig's `certificate-authority-data` is. */
  readonly certificateAuthorityData?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

/** The part of a plugin's answer a request needs. */
export interface ExecCredential {
  readonly token?: string;
  /** PEM, as the plugin printed it. */
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** Epoch milliseconds; absent means "good for the life of the process". */
  readonly expiresAt?: number;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How the plugin is named in messages: the command line a user can paste into a terminal. */
export function pluginCommandLine(exec: { readonly command: string; readonly args?: readonly string[] }): string {
  const quote = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return [exec.command, ...(exec.args ?? [])].map(quote).join(' ');
}

/** Checks a raw `exec` entry (as the kubeconfig holds it) for user `userName`. */
export function readExecConfig(raw: unknown, userName: string): Checked<ExecConfig> {
  const bad = (what: string): Checked<ExecConfig> => ({
    ok: false,
    message: `The kubeconfig user "${userName}" has an exec credential plugin entry that ${what}. Fix users[].user.exec in the kubeconfig.`,
  });
  if (!isObject(raw)) return bad('is not a mapping');
  const command = raw.command;
  if (typeof command !== 'string' || command.trim() === '') return bad('names no command');
  const apiVersion = raw.apiVersion;
  if (apiVersion === EXEC_API_V1ALPHA1) {
    return {
      ok: false,
      message:
        `The kubeconfig user "${userName}" uses the credential plugin API ${EXEC_API_V1ALPHA1}, which kubectl dropped in 1.24. ` +
        `Update the plugin and set users[].user.exec.apiVersion to ${EXEC_API_V1}.`,
    };
  }
  if (apiVersion !== EXEC_API_V1 && apiVersion !== EXEC_API_V1BETA1) {
    return bad(`has apiVersion ${JSON.stringify(apiVersion ?? null)} (expected ${EXEC_API_V1} or ${EXEC_API_V1BETA1})`);
  }
  const args = raw.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return bad('has args that are not a list of strings');
  const envRaw = raw.env ?? [];
  if (!Array.isArray(envRaw)) return bad('has env that is not a list');
  const env: { name: string; value: string }[] = [];
  for (const entry of envRaw) {
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.value !== 'string') return bad('has an env entry without a string name and value');
    env.push({ name: entry.name, value: entry.value });
  }
  // kubectl insists on interactiveMode for v1; a missing one is read as v1beta1's default rather
  // than refused, since the editor never offers a terminal either way.
  const mode = raw.interactiveMode ?? 'IfAvailable';
  if (mode !== 'Never' && mode !== 'IfAvailable' && mode !== 'Always') return bad(`has interactiveMode ${JSON.stringify(mode)} (expected Never, IfAvailable or Always)`);
  const installHint = typeof raw.installHint === 'string' && raw.installHint.trim() !== '' ? raw.installHint.trim() : undefined;
  return {
    ok: true,
    value: {
      command,
      args,
      env,
      apiVersion,
      ...(installHint === undefined ? {} : { installHint }),
      interactiveMode: mode,
      provideClusterInfo: raw.provideClusterInfo === true,
    },
  };
}

/** Why a plugin cannot be run here at all, before it is started; undefined when it can. */
export function cannotRunMessage(exec: ExecConfig): string | undefined {
  if (exec.interactiveMode !== 'Always') return undefined;
  const hint = exec.installHint ? ` ${exec.installHint}` : '';
  return (
    `The credential plugin \`${pluginCommandLine(exec)}\` needs a terminal to ask you something (interactiveMode: Always), and the editor cannot give it one. ` +
    `Run it once in a terminal (or run kubectl there) to log in, or configure the plugin so that it can run without a terminal.${hint}`
  );
}

/** The KUBERNETES_EXEC_INFO value: we never attach a terminal, so `interactive` is false. */
export function execInfo(exec: ExecConfig, cluster: ExecClusterInfo | undefined): string {
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo && cluster) {
    spec.cluster = {
      server: cluster.server,
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      ...(cluster.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.certificateAuthorityData ? { 'certificate-authority-data': cluster.certificateAuthorityData } : {}),
      ...(cluster.proxyUrl ? { 'proxy-url': cluster.proxyUrl } : {}),
    };
  }
  return JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec });
}

/** Reads a plugin's stdout as kubectl does: an ExecCredential of the configured apiVersion. */
export function parseExecCredential(stdout: string, exec: ExecConfig): Checked<ExecCredential> {
  const plugin = `The credential plugin \`${pluginCommandLine(exec)}\``;
  const bad = (what: string): Checked<ExecCredential> => ({
    ok: false,
    message: `${plugin} ${what}. Run it in a terminal to see what it prints, and update it if it is out of date.`,
  });
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    return bad(stdout.trim() === '' ? 'printed nothing' : 'printed something that is not JSON');
  }
  if (!isObject(doc) || doc.kind !== 'ExecCredential') return bad('did not print an ExecCredential');
  if (doc.apiVersion !== exec.apiVersion) {
    return bad(`answered in ${JSON.stringify(doc.apiVersion ?? null)}, but the kubeconfig asks for ${exec.apiVersion}`);
  }
  const status = doc.status;
  if (!isObject(status)) return bad('printed an ExecCredential without a status');
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const token = str(status.token);
  const cert = str(status.clientCertificateData);
  const key = str(status.clientKeyData);
  if ((cert === undefined) !== (key === undefined)) return bad('printed a client certificate without its key (or a key without its certificate)');
  if (token === undefined && cert === undefined) return bad('printed neither a token nor a client certificate');
  let expiresAt: number | undefined;
  if (status.expirationTimestamp !== undefined && status.expirationTimestamp !== null && status.expirationTimestamp !== '') {
    const at = typeof status.expirationTimestamp === 'string' ? Date.parse(status.expirationTimestamp) : NaN;
    if (Number.isNaN(at)) return bad(`printed an expirationTimestamp that is not a time (${JSON.stringify(status.expirationTimestamp)})`);
    expiresAt = at;
  }
  return {
    ok: true,
    value: {
      ...(token === undefined ? {} : { token }),
      ...(cert === undefined ? {} : { clientCertificateData: cert, clientKeyData: key }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    },
  };
}

/** A credential is used until its expirationTimestamp has passed (kubectl's rule), or forever. */
export function credentialIsFresh(credential: ExecCredential, nowMs: number): boolean {
  return credential.expiresAt === undefined || nowMs < credential.expiresAt;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export function pluginTimedOutMessage(exec: ExecConfig, timeoutMs: number): string {
  return (
    `The credential plugin \`${pluginCommandLine(exec)}\` did not answer within ${seconds(timeoutMs)}; it was stopped. ` +
    `Run it in a terminal to see what it waits for.`
  );
}

export function pluginCancelledMessage(exec: ExecConfig): string {
  return `Cancelled while the credential plugin \`${pluginCommandLine(exec)}\` was running; it was stopped.`;
}

/** The last lines of stderr are where plugins put the reason. */
function stderrTail(stderr: string): string {
  const text = stderr.trim();
  return text.length > 2000 ? `…${text.slice(-2000)}` : text;
}

export function pluginFailedMessage(exec: ExecConfig, exit: { readonly code: number | null; readonly signal: string | null }, stderr: string): string {
  const how = exit.code !== null ? `exited with status ${exit.code}` : `was killed by ${exit.signal ?? 'a signal'}`;
  const said = stderrTail(stderr);
  return (
    `The credential plugin \`${pluginCommandLine(exec)}\` ${how}` +
    (said ? `: ${said}` : ' without saying why.') +
    (said && !/[.!?]$/.test(said) ? '.' : '') +
    ` Run it in a terminal to see the whole story; you may need to log in again.`
  );
}

/** The command could not be started (not installed, not executable). */
export function pluginNotStartedMessage(exec: ExecConfig, errorCode: string | undefined): string {
  const why = errorCode === 'ENOENT' ? 'was not found' : errorCode === 'EACCES' ? 'is not executable' : `could not be started (${errorCode ?? 'unknown error'})`;
  const next = exec.installHint ?? 'Install it, or check users[].user.exec.command in the kubeconfig (and the PATH the editor was started with).';
  return `The credential plugin \`${exec.command}\` ${why}. ${next}`;
}
