// Child processes of the Kubernetes test bed: free loopback ports, logged daemons that are
// killed when the test process exits, and polite-then-firm stopping.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
const folders = new Set<string>();
let exitHookInstalled = false;

/** Removes `dir` when the test process exits or is stopped, unless `keepOnExit` says otherwise. */
export function removeOnExit(dir: string): void {
  installExitHook();
  folders.add(dir);
}

export function keepOnExit(dir: string): void {
  folders.delete(dir);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that crashes, or that the runner stops, must not leave etcd or the apiserver
  // running (and holding ports) after it, nor their folders.
  const killAll = (): void => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

export interface Daemon {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<string>;
}

export function startDaemon(name: string, command: string, args: readonly string[], logFile: string): Daemon {
  installExitHook();
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  running.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ?? `exit code ${code ?? '?'}`);
    });
    child.once('error', (err) => {
      running.delete(child);
      resolve(err.message);
    });
  });
  return { name, child, logFile, exited };
}

export async function stopDaemon(daemon: Daemon, graceMs = 5000): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  // A paused daemon (SIGSTOP) would hold SIGTERM until the grace period ends.
  daemon.child.kill('SIGCONT');
  daemon.child.kill('SIGTERM');
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), graceMs);
  await daemon.exited;
  clearTimeout(timer);
}

export function logTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
