// Starts and stops the test bed's real VS Code: code-server 4.100.3 (VS Code 1.100.3), installed by
// scripts/testbed/install-vscode.sh. Used by the integration runner, `npm start` and the
// screenshot script, so all three open VS Code the same way.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const INSTALLER = 'scripts/testbed/install-vscode.sh';

const HOST = '127.0.0.1';

// This machine reaches no extension gallery or update server: keep the workbench from trying,
// so its log holds what the extension and the tests do.
const QUIET_SETTINGS = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
};

export function codeServerDir() {
  const cache = process.env.KUBE_SANDBOX_CACHE || '/var/cache/kube-sandbox';
  return join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry() {
  return join(codeServerDir(), 'node_modules/code-server/out/node/entry.js');
}

/**
 * True when the installer finished (it writes its stamp last, after checking the version) for
 * this Node's module ABI: native modules built for another Node would not load.
 */
export function isCodeServerInstalled() {
  const stamp = join(codeServerDir(), '.kube-sandbox-complete');
  return existsSync(codeServerEntry()) && existsSync(stamp)
    && readFileSync(stamp, 'utf8').includes(`node-abi-${process.versions.modules}`);
}

/** A port nobody listens on right now (the OS picks it; a tiny race remains until code-server binds). */
export function findFreePort(host = HOST) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The `vscode-remote:` URI code-server's workbench uses for a path on this machine. */
export function remoteUri(port, absPath) {
  return `vscode-remote://${HOST}:${port}${encodeURI(absPath)}`;
}

/**
 * The workbench URL that opens `folder` with the given launch arguments. The payload is how the
 * web workbench receives what desktop VS Code takes as --extensionDevelopmentPath and
 * --extensionTestsPath: a JSON list of [name, value] pairs.
 */
export function workbenchUrl(port, folder, payload = []) {
  let url = `http://${HOST}:${port}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length > 0) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Resolves when `url` answers HTTP 200, rejects at the deadline or when `child` exits first. */
export async function waitForHttp(url, { timeoutMs = 30_000, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s (${lastError})`);
}

/**
 * Starts code-server on 127.0.0.1 with throwaway user-data and extensions folders.
 * Returns { port, child, output(), stop(), kill() }; stop() ends the whole process group
 * (code-server forks an extension host and file watchers) and removes the temporary folders;
 * kill() does the same at once and synchronously, for signal handlers.
 *
 * Options: folder (opened when the URL names none), port (default: a free one), settings (user
 * settings on top of the quiet defaults), offline (true: no extension gallery, which this machine
 * cannot reach anyway), onOutput(text) to see code-server's own log, timeoutMs for the start.
 */
export async function startCodeServer(options = {}) {
  if (!isCodeServerInstalled()) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir()}; run: bash ${INSTALLER}`);
  }
  if (options.port !== undefined) return startOnce(options.port, options);
  // Another process may take the free port before code-server binds it: try a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await findFreePort(), options);
    } catch (error) {
      if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startOnce(chosenPort, { folder, settings = {}, offline = false, onOutput, timeoutMs = 60_000 }) {
  const temp = mkdtempSync(join(tmpdir(), 'kube-sandbox-vscode-'));
  const userDataDir = join(temp, 'user-data');
  const extensionsDir = join(temp, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));

  const args = [
    codeServerEntry(),
    '--auth', 'none',
    '--bind-addr', `${HOST}:${chosenPort}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--ignore-last-opened',
  ];
  if (folder) args.push(folder);

  // PORT would override --bind-addr's port in code-server; `npm start` users may have it set.
  const env = { ...process.env };
  delete env.PORT;
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  // An empty gallery turns the Marketplace off instead of failing to reach open-vsx.org.
  if (offline) env.EXTENSIONS_GALLERY = '{}';
  // detached: a process group of its own, so stop() reaches the extension host and watchers too.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let log = '';
  const collect = (chunk) => {
    const text = chunk.toString();
    log = (log + text).slice(-20_000);
    onOutput?.(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killGroup(child);
    rmSync(temp, { recursive: true, force: true });
  };
  // For a signal handler that exits right after: no waiting, nothing left behind.
  const kill = () => {
    stopped = true;
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    rmSync(temp, { recursive: true, force: true });
  };

  try {
    await waitForHttp(`http://${HOST}:${chosenPort}/healthz`, { timeoutMs, child });
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- code-server output ---\n${log.trim()}`);
  }
  return { port: chosenPort, child, output: () => log, stop, kill };
}

async function killGroup(child) {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), delay(5_000).then(() => true)]);
  // The leader may be gone while children linger: SIGKILL the group either way.
  signalGroup(child.pid, 'SIGKILL');
  if (timedOut) await Promise.race([exited, delay(2_000)]);
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
