// `npm start`: opens examples/ in VS Code with this extension loaded from the checkout.
//
// With a desktop VS Code (`code` on PATH) that is one command. Without one (a server, a
// container, CI), it starts the test bed's code-server (VS Code 1.100.3 in the browser, from
// scripts/testbed/install-vscode.sh) on 127.0.0.1:${PORT:-8080} and prints the URL to open;
// Ctrl-C stops it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CODE_SERVER_VERSION, INSTALLER, VSCODE_VERSION, isCodeServerInstalled, remoteUri, startCodeServer, workbenchUrl,
} from './testbed/vscode-server.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const examples = join(repoRoot, 'examples');

function say(message) {
  process.stderr.write(`${message}\n`);
}

function hasDesktopCode() {
  return spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
}

function openInDesktopCode() {
  const child = spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, examples], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
}

async function openInCodeServer() {
  if (!isCodeServerInstalled() && process.getuid?.() === 0) {
    // As root on the test bed's Debian the installer needs nobody: fetch it now (npm and apt only).
    say(`No desktop VS Code on PATH: installing the browser VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}, about 1-2 minutes)…`);
    const install = spawnSync('bash', [INSTALLER], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (install.status !== 0) say('The installer failed (see above).');
  }
  if (!isCodeServerInstalled()) {
    say('No desktop VS Code (`code`) on PATH, and the browser VS Code (code-server) is not installed.');
    say(`Install code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}, about 1-2 minutes, 300 MB) with:`);
    say(`  bash ${INSTALLER}`);
    say('then run `npm start` again. Or install VS Code and put `code` on PATH.');
    process.exit(1);
  }
  const port = Number(process.env.PORT || 8080);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    say(`PORT=${process.env.PORT} is not a port number; use e.g. PORT=8081 npm start.`);
    process.exit(1);
  }

  let server;
  try {
    server = await startCodeServer({ port });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    say(message.includes('EADDRINUSE')
      ? `Port ${port} is already in use on 127.0.0.1. Stop what uses it, or pick another: PORT=8081 npm start`
      : `VS Code (code-server) did not start: ${message}`);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping VS Code…`);
    void server.stop().finally(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
  server.child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`VS Code (code-server) stopped by itself (${signal ?? `exit code ${code}`}). Its last output:\n${server.output().trim().split('\n').slice(-20).join('\n')}`);
    void server.stop().finally(() => process.exit(1));
  });

  const url = workbenchUrl(port, examples, [['extensionDevelopmentPath', remoteUri(port, repoRoot)]]);
  say(`VS Code ${VSCODE_VERSION} is running with Kube Sandbox loaded from ${repoRoot}.`);
  say('Open this URL in a browser on this machine (or forward port ' + port + ' to 127.0.0.1 here):');
  process.stdout.write(`\n  ${url}\n\n`);
  say('The extension is loaded as it was built: after a change, run `npm run build` and reload the browser tab.');
  say('Press Ctrl-C to stop.');
}

function main() {
  if (!existsSync(join(repoRoot, 'dist/extension.js'))) {
    say('The extension is not built yet (dist/extension.js is missing): run `npm run build`, then `npm start`.');
    process.exit(1);
  }
  if (!existsSync(examples)) {
    say(`The examples folder is missing (${examples}).`);
    process.exit(1);
  }
  if (hasDesktopCode()) {
    openInDesktopCode();
    return;
  }
  openInCodeServer().catch((error) => {
    say(`Could not start VS Code: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

main();
