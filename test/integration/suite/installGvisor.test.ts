// Install gVisor on Node… and Uninstall gVisor from Node… in the real VS Code, against a real
// node: a private sshd on loopback and a private containerd whose config looks like a real
// node's (test/harness), with Debian's runsc (the `distro` method). Debian's package has no
// containerd shim, so the plan warns about it and no gVisor pod could run; the verification
// still boots a real gVisor sandbox with `runsc do`.
//
// The commands take a test-only argument object (src/vscode/node/nodeTargets.ts,
// NodeCommandArgs): `skipConfirmation` stands in for clicking "Install" in the modal, and
// `unknownHostKey: 'reject'` for clicking Cancel on the host key question.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NodeCommandResult } from '../../../src/vscode/node/nodeCommand';
import { PLAN_SCHEME } from '../../../src/vscode/node/planDocuments';
import { containerdNodeMissing, startContainerdNode, type ContainerdNode } from '../../harness/containerdNode';
import { sshNodeMissing, startSshNode, type SshNode } from '../../harness/sshNode';
import { activateExtension, setSetting } from './editorTestUtils';

const NODE = 'ksb-test-node';
const SETTINGS = ['nodes', 'knownHostsFile', 'install.method'];

function bedMissing(): string | undefined {
  return sshNodeMissing() ?? containerdNodeMissing() ?? (existsSync('/usr/bin/runsc') ? undefined : 'missing /usr/bin/runsc');
}

async function run(command: 'installGvisorOnNode' | 'uninstallGvisorFromNode', extra: Record<string, unknown> = {}): Promise<NodeCommandResult> {
  const result = await vscode.commands.executeCommand<NodeCommandResult | undefined>(`kubeSandbox.${command}`, {
    nodes: [{ host: NODE }], skipConfirmation: true, ...extra,
  });
  assert.ok(result, `kubeSandbox.${command} returned nothing (see the Kube Sandbox output)`);
  return result;
}

suite('Install gVisor on Node (real sshd, containerd, Debian runsc)', () => {
  let ssh: SshNode | undefined;
  let cd: ContainerdNode | undefined;
  let dir = '';
  let knownHosts = '';
  let original = '';

  suiteSetup(async function () {
    const missing = bedMissing();
    if (missing) {
      const why = `${missing}: run scripts/testbed/install-node.sh`;
      if (process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1') throw new Error(`${why} (KUBE_SANDBOX_REQUIRE_TESTBED=1)`);
      console.log(`SKIP install tests: ${why}`);
      this.skip();
    }
    await activateExtension();
    [ssh, cd] = await Promise.all([startSshNode(), startContainerdNode()]);
    original = readFileSync(cd.configPath, 'utf8');
    dir = mkdtempSync(join(tmpdir(), 'ksb-install-vscode-'));
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
    const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    // Every write stays in the test containerd's folder: its config, runsc.toml next to it, the record.
    await setSetting('nodes', {
      [NODE]: {
        host: ssh.host, port: ssh.port, user: 'root', identityFile: ssh.root.keyPath,
        containerdConfig: cd.configPath, restartCommand: cd.restartCommand.map(quote).join(' '),
        binDir: join(cd.dir, 'bin'), stateDir: join(cd.dir, 'kube-sandbox-state'),
      },
    });
    await setSetting('knownHostsFile', knownHosts);
    await setSetting('install.method', 'distro');
  });

  suiteTeardown(async () => {
    for (const key of SETTINGS) await setSetting(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cd?.stop();
    await ssh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('shows the plan with the missing-shim warning and the config diff, then installs and proves gVisor', async function () {
    this.timeout(60_000);
    const pid = cd?.pid();
    const r = await run('installGvisorOnNode');
    const configPath = cd?.configPath ?? '';
    assert.match(r.planText ?? '', /Plan:/);
    assert.match(r.planText ?? '', /containerd-shim-runsc-v1 will be missing/, 'the Debian no-shim warning is in the plan');
    assert.ok((r.planText ?? '').includes(`+++ b${configPath}`), 'the plan has the containerd config diff');
    assert.ok(vscode.workspace.textDocuments.some((d) => d.uri.scheme === PLAN_SCHEME && d.getText().includes('Plan:')), 'the plan document is open');
    const [node] = r.results;
    assert.equal(node?.outcome, 'installed', node?.summary);
    assert.equal(node.ok, true, node.summary);
    assert.match(node.summary, /Verified: a sandbox booted gVisor \("Starting gVisor/);
    assert.match(node.summary, /runtime_type io\.containerd\.runsc\.v1/);
    const edited = readFileSync(configPath, 'utf8');
    assert.match(edited, /runtimes\.runsc\]/);
    assert.match(edited, /runtime_type = "io\.containerd\.runsc\.v1"/);
    assert.match(edited, /SystemdCgroup = true/, 'existing keys are kept');
    assert.notEqual(cd?.pid(), pid, 'containerd was restarted');
    assert.equal(await cd?.isHealthy(), true);
  });

  test('a second run reports "already installed" and changes nothing', async function () {
    this.timeout(60_000);
    const before = readFileSync(cd?.configPath ?? '', 'utf8');
    const pid = cd?.pid();
    const r = await run('installGvisorOnNode', { skipConfirmation: false });
    const [node] = r.results;
    assert.equal(node?.outcome, 'already-installed', node?.summary);
    assert.match(node.summary, /already installed/);
    assert.equal(readFileSync(cd?.configPath ?? '', 'utf8'), before);
    assert.equal(cd?.pid(), pid, 'containerd was not restarted');
  });

  test('uninstall restores the original config', async function () {
    this.timeout(60_000);
    const r = await run('uninstallGvisorFromNode');
    const [node] = r.results;
    assert.equal(node?.outcome, 'uninstalled', node?.summary);
    assert.equal(readFileSync(cd?.configPath ?? '', 'utf8'), original);
    assert.equal(existsSync(join(cd?.dir ?? '', 'runsc.toml')), false);
    assert.equal(await cd?.isHealthy(), true);
  });

  test('an unknown host key that is not accepted is refused before authentication', async function () {
    this.timeout(30_000);
    const empty = join(dir, 'known_hosts-empty');
    writeFileSync(empty, '');
    await setSetting('knownHostsFile', empty);
    try {
      const from = ssh?.logSize() ?? 0;
      const r = await run('installGvisorOnNode', { unknownHostKey: 'reject' });
      const [node] = r.results;
      assert.equal(node?.outcome, 'unreachable', node?.summary);
      assert.match(node.error ?? '', /was not accepted, so the connection was closed before anything was sent/);
      assert.equal(readFileSync(empty, 'utf8'), '', 'the key was not remembered');
      assert.doesNotMatch(ssh?.readLog(from) ?? '', /userauth-request|Accepted|Failed/, 'no credential reached the node');
      assert.equal(readFileSync(cd?.configPath ?? '', 'utf8'), original);
    } finally {
      await setSetting('knownHostsFile', knownHosts);
    }
  });
});
