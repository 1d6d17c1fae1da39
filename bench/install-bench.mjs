// Installing gVisor on 8 nodes at once versus 1, and a no-op re-run versus a first install.
// The "nodes" are 8 private containerds behind one private sshd on this machine (TESTBED.md
// §2), each with its own config, runsc.toml, bin folder and install record; runsc is Debian's
// (the `distro` method), so every install restarts a real containerd and runs a real gVisor
// sandbox. Prints figures; asserts nothing. Needs root and scripts/testbed/install-node.sh.
// Run after `npm run compile-tests`: node bench/install-bench.mjs
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { SshRemoteHost } = require('../out/src/adapters/ssh/index.js');
const { installGvisor } = require('../out/src/core/node/installer.js');
const { startContainerdNode, containerdNodeMissing } = require('../out/test/harness/containerdNode.js');
const { startSshNode, sshNodeMissing } = require('../out/test/harness/sshNode.js');
const { nodeOptions, strictHooks } = require('../out/test/harness/sshClient.js');

const NODES = Number(process.env.BENCH_NODES ?? 8);
const missing = sshNodeMissing() ?? containerdNodeMissing();
if (missing) {
  console.log(`install bench skipped: ${missing}`);
  process.exit(0);
}

const ssh = await startSshNode();
const containerds = await Promise.all(Array.from({ length: NODES + 1 }, () => startContainerdNode()));
const options = (cd) => ({
  method: 'distro', containerdConfig: cd.configPath, binDir: join(cd.dir, 'bin'), stateDir: join(cd.dir, 'state'),
  restartCommand: cd.restartCommand, healthTimeoutMs: 30_000,
});
// One SSH connection per node, as the editor would open them.
const connect = () => SshRemoteHost.connect({ ...nodeOptions(ssh, ssh.root, ssh.dir), commandTimeoutMs: 300_000 }, strictHooks);
const hosts = await Promise.all(containerds.map(() => connect()));

async function installAll(indexes) {
  const started = performance.now();
  const reports = await Promise.all(indexes.map((i) => installGvisor({ shell: hosts[i] }, options(containerds[i]))));
  const ms = performance.now() - started;
  const bad = reports.filter((r) => r.outcome !== 'installed' && r.outcome !== 'already-installed');
  if (bad.length) throw new Error(`install failed: ${bad.map((r) => `${r.target}: ${r.outcome} ${r.error ?? ''}`).join('; ')}`);
  return { ms, reports };
}

try {
  const one = await installAll([0]);
  const many = await installAll(Array.from({ length: NODES }, (_, i) => i + 1));
  const oneAgain = await installAll([0]);
  const manyAgain = await installAll(Array.from({ length: NODES }, (_, i) => i + 1));
  const per = (r) => r.reports.map((x) => x.durationMs).sort((a, b) => a - b);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`install-gvisor (distro method, containerd restart + runsc sandbox each), ${NODES} nodes on a ${require('node:os').cpus().length}-core machine`);
  console.log(`  1 node, first install:          ${s(one.ms)}`);
  console.log(`  ${NODES} nodes at once, first install:  ${s(many.ms)}  (ratio ${(many.ms / one.ms).toFixed(2)}x the single node; per node ${per(many).map((m) => (m / 1000).toFixed(1)).join(', ')} s)`);
  console.log(`  1 node, no-op re-run:           ${s(oneAgain.ms)}  (${((oneAgain.ms / one.ms) * 100).toFixed(0)}% of a first install; outcome ${oneAgain.reports[0].outcome}, restarted ${oneAgain.reports[0].restarted})`);
  console.log(`  ${NODES} nodes at once, no-op re-run:   ${s(manyAgain.ms)}  (${((manyAgain.ms / many.ms) * 100).toFixed(0)}% of their first install)`);
} finally {
  await Promise.all(hosts.map((h) => h.close()));
  await Promise.all(containerds.map((c) => c.stop()));
  await ssh.stop();
}
