// `kube-sandbox install-gvisor` usage: every bad invocation exits 2 before anything connects;
// plan and report texts. (The command against a real node: test/adapters/node/installCli.test.ts.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { planInstall } from '../../../src/core/node/installPlan';
import { renderInstallPlan, renderInstallReport, renderPlanDiffs } from '../../../src/core/node/installText';
import { runInAsync } from '../cli/cliTestKit';
import { facts } from './installFixtures';

describe('install-gvisor usage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ksb-cli-usage-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'shim.sh'), '#!/bin/sh\n');

  const bad: Array<[string[], RegExp]> = [
    [[], /--host is required/],
    [['--host', 'n1', '--port', '70000'], /--port must be a TCP port/],
    [['--host', 'n1', '--method', 'curl-pipe-sh'], /--method must be one of release, apt, distro, upload/],
    [['--host', 'n1', '--platform', 'ptrace'], /--platform must be systrap or kvm/],
    [['--host', 'n1', '--method', 'upload'], /--method upload needs --runsc-binary/],
    [['--host', 'n1', '--runsc-binary', '/usr/bin/runsc'], /go with --method upload/],
    [['--host', 'n1', '--method', 'upload', '--runsc-binary', 'missing-runsc'], /missing-runsc does not exist/],
    [['--host', 'n1', '--method', 'distro', '--release-mirror', 'https://m'], /--release-mirror goes with --method release/],
    [['--host', 'n1', '--restart-command', ' '], /--restart-command needs a command/],
    [['--host', 'n1', '--bogus'], /Unknown option '--bogus'/],
    [['node-1'], /unexpected argument 'node-1'/],
  ];
  for (const [args, message] of bad) {
    it(`refuses ${args.join(' ') || 'no arguments'} with exit 2`, async () => {
      const r = await runInAsync(dir, 'install-gvisor', ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Run 'kube-sandbox install-gvisor --help' for usage/);
      assert.equal(r.stdout, '');
    });
  }

  it('prints its help, and is listed in the main help', async () => {
    const r = await runInAsync(dir, 'install-gvisor', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: kube-sandbox install-gvisor --host HOST/);
    assert.match(r.stdout, /Exit status: 0 on success \(also when gVisor was already installed\), 1 when/);
    const main = await runInAsync(dir, '--help');
    assert.match(main.stdout, /install-gvisor +Install gVisor on a node over SSH/);
  });
});

describe('install texts', () => {
  it('numbers plan steps, shows warnings, and diffs new and changed files', () => {
    const plan = planInstall(facts(), { method: 'distro' });
    const text = renderInstallPlan('root@n1:22', plan);
    assert.match(text, /^Node root@n1:22: Debian GNU\/Linux 12 \(bookworm\), x86_64, kernel 6\.1\.0-18-amd64, init systemd, containerd 1\.6\.20\nPlan:\n {3}1\. The distribution's runsc package/);
    assert.match(text, /\n {6}The original is kept as \/etc\/containerd\/config\.toml\.kube-sandbox\.bak\.\n {3}4\. Compare containerd.s effective config .*\n {3}5\. Restart containerd \(systemctl restart containerd\)/);
    assert.match(text, /Warnings:\n {2}- runsc 20221219\.0/);
    const diff = renderPlanDiffs(plan);
    assert.match(diff, /^--- \/dev\/null\n\+\+\+ b\/etc\/containerd\/runsc\.toml\n@@ -0,0 \+1,6 @@\n/);
    assert.match(diff, /--- a\/etc\/containerd\/config\.toml\n\+\+\+ b\/etc\/containerd\/config\.toml\n@@ [^\n]+\n(?: [^\n]*\n){3}\+ +\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runsc\]/);
  });

  it('reports outcomes plainly', () => {
    const text = renderInstallReport({
      target: 'root@n1:22', outcome: 'rolled-back', changed: ['/etc/containerd/config.toml'], restarted: true, durationMs: 4200,
      error: 'containerd did not come back healthy after the restart: containerd does not answer on /run/containerd/containerd.sock.',
      messages: ['Rolled back: /etc/containerd/config.toml is back as before this run.', 'containerd was restarted with the old config and is healthy again.'],
    });
    assert.equal(text, [
      'Install failed and was rolled back on root@n1:22 (4.2 s).',
      '  Why: containerd did not come back healthy after the restart: containerd does not answer on /run/containerd/containerd.sock.',
      '  Changed: /etc/containerd/config.toml.',
      '  Runtime restarted: yes.',
      '  Note: Rolled back: /etc/containerd/config.toml is back as before this run.',
      '  Note: containerd was restarted with the old config and is healthy again.',
      '',
    ].join('\n'));
  });
});
