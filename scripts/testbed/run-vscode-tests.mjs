// Runs the integration suite (out/test/integration/suite/index.js) inside a real VS Code.
//
// Default: the test bed's code-server 4.100.3 (VS Code 1.100.3) with Debian's chromium driven by
// playwright-core, because @vscode/test-electron downloads VS Code from the internet and these
// machines cannot reach it. KUBE_SANDBOX_VSCODE_RUNNER=electron uses @vscode/test-electron's
// runTests instead (desktop VS Code, for machines that can download it). Both load the same
// suite, extension and workspace.
//
// Exits with the suite's exit code. Without code-server installed it skips (exit 0), unless
// KUBE_SANDBOX_REQUIRE_TESTBED=1, then it fails.
//
// The cluster tests need a real kube-apiserver: before VS Code starts, the test bed's cluster
// (test/harness/kubeCluster.ts, compiled to out/) is started and seeded, VS Code gets its
// kubeconfig as KUBECONFIG, and KUBE_SANDBOX_TEST_CLUSTER tells the suite how to reach it (admin
// token, and a loopback control URL to stop and start the apiserver). Without the Kubernetes test
// bed the cluster tests skip (or fail under KUBE_SANDBOX_REQUIRE_TESTBED=1).
// Environment: KUBE_SANDBOX_VSCODE_TIMEOUT_MS (overall deadline, default 10 min),
// KUBE_SANDBOX_VSCODE_VERBOSE=1 (code-server's, the browser's and the workbench's own output).
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  CODE_SERVER_VERSION, INSTALLER, VSCODE_VERSION, codeServerDir, isCodeServerInstalled, remoteUri,
  startCodeServer, workbenchUrl,
} from './vscode-server.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const suiteEntry = join(repoRoot, 'out/test/integration/suite/index.js');
const workspaceSource = join(repoRoot, 'test/integration/workspace');
const extensionMain = join(repoRoot, 'dist/extension.js');
const CHROMIUM = '/usr/bin/chromium';
// Chromium flags from the test bed notes: as root there is no sandbox, and without the
// background-networking flags chromium keeps dialling hosts this machine cannot reach.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];
const DEADLINE_MS = Number(process.env.KUBE_SANDBOX_VSCODE_TIMEOUT_MS) || 10 * 60_000;
const verbose = process.env.KUBE_SANDBOX_VSCODE_VERBOSE === '1';
const requireTestbed = process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1';

// Synchronous clean-ups for an exit that cannot wait (signal, deadline): newest first.
const onAbort = [];

function log(message) {
  process.stderr.write(`run-vscode-tests: ${message}\n`);
}

function abort(message, code) {
  log(message);
  for (const action of onAbort.reverse()) {
    try {
      action();
    } catch {
      // Best effort: the process is leaving.
    }
  }
  // playwright-core kills the browsers it launched when this process exits.
  process.exit(code);
}

function checkBuilt() {
  const missing = [suiteEntry, extensionMain].filter((file) => !existsSync(file));
  if (missing.length === 0) return true;
  log(`missing ${missing.map((file) => file.slice(repoRoot.length + 1)).join(' and ')}: run \`npm run build && npm run compile-tests\` first (or \`npm run test:integration\`, which does both).`);
  return false;
}

/** Tests may edit files, so each run gets a fresh copy of the workspace. */
function copyWorkspace() {
  const folder = mkdtempSync(join(tmpdir(), 'kube-sandbox-workspace-'));
  cpSync(workspaceSource, folder, { recursive: true });
  return folder;
}

/**
 * Starts the test bed's kube-apiserver with a few seeded objects and a loopback control endpoint
 * (POST /apiserver/stop, /apiserver/start) for tests that take the server away. Returns the
 * environment the suite needs and a stop function; undefined when the test bed is missing.
 */
async function startTestCluster() {
  const require = createRequire(import.meta.url);
  const harness = join(repoRoot, 'out/test/harness');
  const { locateKubeBinaries } = require(join(harness, 'kubeTestbed.js'));
  const missing = locateKubeBinaries();
  if (typeof missing === 'string') {
    log(`${requireTestbed ? 'FAIL' : 'SKIP'}: cluster tests: ${missing}`);
    return undefined;
  }
  const started = Date.now();
  const { startKubeCluster } = require(join(harness, 'kubeCluster.js'));
  const { createNode, createBoundPod } = require(join(harness, 'kubeSeed.js'));
  // On a signal or the deadline, the harness's exit hook kills etcd and the apiserver.
  const cluster = await startKubeCluster();
  // Nodes as kubelets report them; this apiserver (1.20) has no status.runtimeHandlers, so only
  // our label makes a node gVisor-ready.
  await createNode(cluster, 'node-gvisor', { kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'containerd://1.7.2', labels: { 'kube-sandbox.dev/gvisor': '20221219' } });
  await createNode(cluster, 'node-plain', { kernelVersion: '6.1.0-18-arm64', containerRuntimeVersion: 'containerd://1.6.20', architecture: 'arm64' });
  await createNode(cluster, 'node-down', { ready: false });
  await cluster.admin('POST', '/apis/node.k8s.io/v1/runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc' });
  await createBoundPod(cluster, 'default', 'web-sandboxed', 'node-gvisor', 'gvisor');
  await createBoundPod(cluster, 'default', 'web-plain', 'node-gvisor');
  await createBoundPod(cluster, 'kube-system', 'agent', 'node-plain');

  const control = createServer((request, response) => {
    const action = { '/apiserver/stop': () => cluster.stopApiServer(), '/apiserver/start': () => cluster.startApiServer() }[request.url ?? ''];
    if (request.method !== 'POST' || !action) {
      response.writeHead(404).end();
      return;
    }
    action().then(
      () => response.writeHead(204).end(),
      (error) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise((resolvePromise) => control.listen(0, '127.0.0.1', resolvePromise));
  const { port } = control.address();
  log(`kube-apiserver at ${cluster.server}, seeded, after ${elapsed(started)}`);
  return {
    env: {
      KUBECONFIG: cluster.kubeconfigPath,
      KUBE_SANDBOX_TEST_CLUSTER: JSON.stringify({
        kubeconfig: cluster.kubeconfigPath,
        server: cluster.server,
        adminToken: cluster.adminToken,
        control: `http://127.0.0.1:${port}`,
      }),
    },
    stop: async () => {
      control.close();
      await cluster.stop();
    },
  };
}

async function runWithElectron(workspace) {
  const { runTests, TestRunFailedError } = await import('@vscode/test-electron');
  try {
    return await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteEntry,
      // Other installed extensions stay out of the way; the one under development still loads.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } catch (error) {
    // runTests rejects on a non-zero exit; pass the suite's code through like the other runner.
    if (error instanceof TestRunFailedError) {
      log(error.message);
      return typeof error.code === 'number' && error.code !== 0 ? error.code : 1;
    }
    log('KUBE_SANDBOX_VSCODE_RUNNER=electron downloads desktop VS Code from the internet and starts it; '
      + 'without internet access, or without a display, unset it to use the test bed\'s code-server.');
    throw error;
  }
}

async function runWithCodeServer(workspace) {
  const { chromium } = await import('playwright-core');
  const started = Date.now();
  const cleanups = [];
  try {
    const server = await startCodeServer({ offline: true, onOutput: verbose ? (text) => process.stderr.write(text) : undefined });
    cleanups.push(() => server.stop());
    onAbort.push(() => server.kill());
    log(`code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) on port ${server.port} after ${elapsed(started)}`);

    // Signals are ours to handle (see main), so that code-server goes down with chromium.
    const browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage();

    let settle;
    const outcome = new Promise((resolvePromise) => { settle = resolvePromise; });
    // Both hooks must exist before the workbench loads: it looks them up when the tests end
    // and for every log line.
    await page.exposeFunction('codeAutomationLog', (type, args) => printLog(type, args));
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      if (code !== 0 && Array.isArray(logs)) saveWorkbenchLogs(logs);
      settle({ code: Number(code) });
    });
    page.on('crash', () => settle({ error: 'the VS Code page crashed' }));
    page.on('close', () => settle({ error: 'the VS Code page closed before the tests finished' }));
    if (verbose) page.on('console', (message) => process.stderr.write(`[browser] ${message.text()}\n`));

    const url = workbenchUrl(server.port, workspace, [
      ['extensionDevelopmentPath', remoteUri(server.port, repoRoot)],
      ['extensionTestsPath', remoteUri(server.port, suiteEntry)],
    ]);
    if (verbose) log(`opening ${url}`);
    await page.goto(url);

    const result = await outcome;
    if ('error' in result) {
      log(`${result.error}. Rerun with KUBE_SANDBOX_VSCODE_VERBOSE=1 to see code-server's and the browser's output.`);
      if (!verbose) process.stderr.write(`--- code-server output (last lines) ---\n${tail(server.output(), 40)}\n`);
      return 1;
    }
    log(`suite exited with code ${result.code} after ${elapsed(started)}`);
    return result.code;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`clean-up: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

// The workbench's start-up chatter, shown only with KUBE_SANDBOX_VSCODE_VERBOSE=1.
const WORKBENCH_CHATTER = [
  /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/, /^ChatSessionStore:/, /^Ignoring fetching additional builtin extensions/,
  /^Creation of workbench contribution '[^']+' took \d+ms\.$/,
];

// The workbench hands over its own log and the extension host's console (where the suite's
// reporter writes) as (level, console arguments), printf-style formats not yet applied.
function printLog(type, args) {
  const text = Array.isArray(args) ? format(...args) : String(args);
  if (!verbose && WORKBENCH_CHATTER.some((pattern) => pattern.test(text))) return;
  const stream = type === 'error' ? process.stderr : process.stdout;
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

function saveWorkbenchLogs(logs) {
  const file = join(tmpdir(), `kube-sandbox-vscode-logs-${process.pid}.txt`);
  writeFileSync(file, logs.map((entry) => `==> ${entry.relativePath} <==\n${entry.contents}`).join('\n'));
  log(`the workbench's logs are in ${file}`);
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function elapsed(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function unavailable(what) {
  const how = `install it with: bash ${INSTALLER}`;
  if (requireTestbed) {
    log(`FAIL: ${what}; ${how} (KUBE_SANDBOX_REQUIRE_TESTBED=1 makes this an error).`);
    return 1;
  }
  log(`SKIP: integration tests not run: ${what}; ${how}`);
  return 0;
}

async function main() {
  const electron = process.env.KUBE_SANDBOX_VSCODE_RUNNER === 'electron';
  if (!electron) {
    if (!isCodeServerInstalled()) {
      return unavailable(`code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) is not installed in ${codeServerDir()}`);
    }
    if (!existsSync(CHROMIUM)) return unavailable(`Debian's chromium is not installed (${CHROMIUM})`);
  }
  if (!checkBuilt()) return 1;

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => abort(`${signal}: stopped VS Code and the browser`, 130));
  }
  const deadline = setTimeout(() => abort(
    `the integration tests did not finish within ${DEADLINE_MS / 1000} s; stopped VS Code and the browser. `
      + 'A test may be waiting for something that never happens; KUBE_SANDBOX_VSCODE_VERBOSE=1 shows more, '
      + 'KUBE_SANDBOX_VSCODE_TIMEOUT_MS changes the limit.', 1), DEADLINE_MS);

  const workspace = copyWorkspace();
  onAbort.push(() => rmSync(workspace, { recursive: true, force: true }));
  let cluster;
  try {
    cluster = await startTestCluster();
    // VS Code (and its extension host) inherit this process's environment.
    if (cluster) Object.assign(process.env, cluster.env);
    return electron ? await runWithElectron(workspace) : await runWithCodeServer(workspace);
  } finally {
    clearTimeout(deadline);
    rmSync(workspace, { recursive: true, force: true });
    await cluster?.stop().catch((error) => log(`clean-up: ${error instanceof Error ? error.message : String(error)}`));
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
