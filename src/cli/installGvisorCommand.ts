// `kube-sandbox install-gvisor`: installs gVisor on one node over SSH (core/node/installer),
// or uninstalls it (--uninstall). Never prompts: an unknown host key is refused with its
// fingerprint and how to trust it, and a sudo password comes from KUBE_SANDBOX_SUDO_PASSWORD.
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { localUploads } from '../adapters/files/localBinaries';
import { createKubeApi } from '../adapters/kube/kubeApi';
import { kubeConfigFor, loadKubeconfig } from '../adapters/kube/kubeconfig';
import { SshConnectError, SshRemoteHost, type UnknownHostKey } from '../adapters/ssh';
import { installGvisor, type InstallDeps, type InstallProgress, type InstallRequest } from '../core/node/installer';
import { INSTALL_METHODS, type InstallMethod } from '../core/node/installOptions';
import { renderInstallPlan, renderInstallReport, renderPlanDiffs, renderUninstallDiffs, renderUninstallPlan, renderUninstallReport } from '../core/node/installText';
import { uninstallGvisor } from '../core/node/uninstaller';
import { parseCommandArgs, UsageError } from './cliArgs';
import { EXIT_OK, type CliIo } from './cliIo';
import { INSTALL_GVISOR_USAGE } from './usage';

/** The install ran and failed (after a rollback when a config had changed). */
export const EXIT_INSTALL_FAILED = 1;
export const SUDO_PASSWORD_ENV = 'KUBE_SANDBOX_SUDO_PASSWORD';

const OPTIONS = {
  host: { type: 'string' }, port: { type: 'string' }, user: { type: 'string' },
  identity: { type: 'string', multiple: true }, 'known-hosts': { type: 'string' },
  method: { type: 'string' }, version: { type: 'string' }, 'release-mirror': { type: 'string' },
  'runsc-binary': { type: 'string' }, 'shim-binary': { type: 'string' },
  'containerd-config': { type: 'string' }, 'containerd-drop-in': { type: 'string' }, 'restart-command': { type: 'string' },
  platform: { type: 'string' }, 'bin-dir': { type: 'string' }, 'state-dir': { type: 'string' },
  node: { type: 'string' }, kubeconfig: { type: 'string' }, context: { type: 'string' },
  'dry-run': { type: 'boolean' }, uninstall: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

export async function installGvisorCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(args, OPTIONS);
  if (v.help === true) {
    io.stdout(INSTALL_GVISOR_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'; the node is given with --host.`);
  const host = v.host?.trim();
  if (!host) throw new UsageError('--host is required: the node\'s address or name, e.g. --host 10.0.0.12.');
  const port = v.port === undefined ? 22 : Number(v.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be a TCP port (1-65535), got '${v.port ?? ''}'.`);
  const method = (v.method ?? 'release') as InstallMethod;
  if (!INSTALL_METHODS.includes(method)) throw new UsageError(`--method must be one of ${INSTALL_METHODS.join(', ')}, got '${v.method ?? ''}'.`);
  if (v.platform !== undefined && v.platform !== 'systrap' && v.platform !== 'kvm') throw new UsageError(`--platform must be systrap or kvm, got '${v.platform}'.`);
  if ((v['runsc-binary'] || v['shim-binary']) && method !== 'upload') throw new UsageError('--runsc-binary and --shim-binary go with --method upload.');
  if (method === 'upload' && !v['runsc-binary'] && v.uninstall !== true) throw new UsageError('--method upload needs --runsc-binary FILE (and --shim-binary FILE for pods to use gVisor).');
  if (v['release-mirror'] && method !== 'release') throw new UsageError('--release-mirror goes with --method release.');
  if (v['restart-command'] !== undefined && v['restart-command'].trim() === '') throw new UsageError('--restart-command needs a command.');
  const local = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(io.cwd, p.replace(/^~(?=\/|$)/, homedir())));

  const request: InstallRequest = {
    method,
    ...(v.version ? { version: v.version } : {}),
    ...(v['release-mirror'] ? { releaseBaseUrl: v['release-mirror'] } : {}),
    ...(v['containerd-config'] ? { containerdConfig: v['containerd-config'] } : {}),
    ...(v['containerd-drop-in'] ? { containerdDropIn: v['containerd-drop-in'] } : {}),
    // The user's own command, run by the node's shell as written (as root).
    ...(v['restart-command'] ? { restartCommand: ['sh', '-c', v['restart-command']] } : {}),
    ...(v.platform ? { platform: v.platform } : {}),
    ...(v['bin-dir'] ? { binDir: v['bin-dir'] } : {}),
    ...(v['state-dir'] ? { stateDir: v['state-dir'] } : {}),
    ...(v.node ? { nodeName: v.node } : {}),
    ...(v['dry-run'] === true ? { dryRun: true } : {}),
  };
  if (method === 'upload' && v.uninstall !== true) {
    const upload = await localUploads(local(v['runsc-binary']) as string, local(v['shim-binary']), (which, path) =>
      new UsageError(`${which === 'runsc' ? '--runsc-binary' : '--shim-binary'} ${path} does not exist or is not a file.`));
    Object.assign(request, { upload });
  }

  const knownHosts = local(v['known-hosts']) ?? join(homedir(), '.ssh', 'known_hosts');
  const identities = (v.identity ?? []).map((p) => local(p) as string);
  const user = v.user ?? userInfo().username;
  let unknownKey: UnknownHostKey | undefined;
  let shell: SshRemoteHost;
  try {
    shell = await SshRemoteHost.connect({
      host, port, user, knownHostsFiles: [knownHosts], connectTimeoutMs: 20_000, commandTimeoutMs: 600_000,
      identityFiles: identities.length > 0 ? identities : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f)),
    }, {
      verifyHost: (key) => { unknownKey = key; return Promise.resolve(false); },
      askPassword: (r) => Promise.resolve(r.purpose === 'sudo' ? process.env[SUDO_PASSWORD_ENV] : undefined),
    });
  } catch (err) {
    io.stderr(`kube-sandbox install-gvisor: ${err instanceof SshConnectError && err.reason === 'host-key-rejected' && unknownKey
      ? unknownHostMessage(unknownKey, knownHosts)
      : `${err instanceof Error ? err.message : String(err)}\n`}`);
    return EXIT_INSTALL_FAILED;
  }

  // Ctrl-C stops the install and undoes its config changes; a second one ends the process.
  const stop = new AbortController();
  const onSignal = (): void => {
    io.stderr('kube-sandbox install-gvisor: stopping; putting back what this run changed (Ctrl-C again to quit at once)\n');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cluster = v.node || v.kubeconfig || v.context ? await clusterFor(local(v.kubeconfig), v.context) : undefined;
    const dryRun = request.dryRun === true;
    const deps = {
      shell, address: host, signal: stop.signal, ...(cluster ? { cluster } : {}),
      onProgress: (p: InstallProgress) => {
        if (p.kind === 'log') io.stderr(`  node: ${p.message}\n`);
        else if (p.step !== 'detect' && (p.kind === 'start' || p.kind === 'done')) io.stdout(`[${p.step}] ${p.message}\n`);
      },
    };
    if (v.uninstall === true) {
      const r = await uninstallGvisor({
        ...deps, onPlan: (plan) => io.stdout(renderUninstallPlan(shell.label, plan) + (dryRun ? renderUninstallDiffs(plan) : '')),
      }, request);
      io.stdout(renderUninstallReport(r));
      if (r.error && /sudo asked for the password/.test(r.error)) sudoHint(io);
      return ['uninstalled', 'nothing-recorded', 'dry-run'].includes(r.outcome) && !r.labelProblem ? EXIT_OK : EXIT_INSTALL_FAILED;
    }
    const r = await installGvisor({
      ...deps, onPlan: (plan) => io.stdout(renderInstallPlan(shell.label, plan) + (dryRun ? renderPlanDiffs(plan) : '')),
    }, request);
    io.stdout(renderInstallReport(r));
    if (r.error && /sudo asked for the password/.test(r.error)) sudoHint(io);
    return ['installed', 'already-installed', 'dry-run'].includes(r.outcome) && !r.labelProblem ? EXIT_OK : EXIT_INSTALL_FAILED;
  } catch (err) {
    io.stderr(`kube-sandbox install-gvisor: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_INSTALL_FAILED;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await shell.close();
  }
}

function sudoHint(io: CliIo): void {
  io.stderr(`kube-sandbox install-gvisor: set ${SUDO_PASSWORD_ENV} to the login user's sudo password, or use a user with passwordless sudo (or root).\n`);
}

/** No prompt in a CLI: say what the key is, how to check it, and how to trust it. */
function unknownHostMessage(k: UnknownHostKey, knownHosts: string): string {
  const short = k.keyType.startsWith('ecdsa') ? 'ecdsa' : k.keyType.replace(/^ssh-/, '').replace(/^rsa-sha2-\d+$/, 'rsa');
  const target = k.port === 22 ? k.host : `-p ${k.port} ${k.host}`;
  return `${k.host}:${k.port} is not in ${knownHosts}; its ${k.keyType} host key is ${k.fingerprint}.\n` +
    'Nothing was sent to the node: the CLI does not ask whether to trust a new host. Check that fingerprint against the\n' +
    `node's own (on the node: ssh-keygen -lf /etc/ssh/ssh_host_${short}_key.pub), then add the key and run again:\n` +
    `  ssh-keyscan -t ${short} ${target} >> ${knownHosts}\n` +
    'or point --known-hosts at a known_hosts file that has it.\n';
}

async function clusterFor(kubeconfig: string | undefined, context: string | undefined): Promise<InstallDeps['cluster']> {
  const loaded = await loadKubeconfig(kubeconfig ? { explicitPath: kubeconfig } : {});
  const name = context ?? loaded.currentContext;
  if (!name) throw new Error('The kubeconfig has no current context; pass --context NAME to say which cluster the node belongs to.');
  return createKubeApi(kubeConfigFor(loaded, name));
}


