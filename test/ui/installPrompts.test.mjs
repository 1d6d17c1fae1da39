// Install gVisor on Node… driven in the page, as a user drives it: the Command Palette, the SSH
// host input, the unknown host key modal (its SHA256 fingerprint checked against the node's),
// the identity file's passphrase, sudo's password with "Remember for this node" ticked, the plan
// modal; then Uninstall, which asks for the passphrase again (never stored) but not for sudo's
// password (VS Code's secret storage has it) and not about the host key (now known).
//
// Why not in the integration suite: VS Code refuses to show modal dialogs while extension tests
// run ("DialogService: refused to show dialog in tests"), so these questions can only be
// answered in a workbench without a test runner. This file starts one: the test bed's
// code-server with the extension under development, Debian's chromium driven by playwright-core,
// a real sshd (a non-root user with sudo) and a real containerd (test/harness, compiled to out/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { INSTALLER, isCodeServerInstalled, remoteUri, startCodeServer, workbenchUrl } from '../../scripts/testbed/vscode-server.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const NODE = 'ksb-prompted-node';
const PASSPHRASE = 'correct horse battery staple';

function missing() {
  if (!existsSync(join(repoRoot, 'dist/extension.js')) || !existsSync(join(repoRoot, 'out/test/harness/sshNode.js'))) {
    return 'dist/ or out/ is missing: run `npm run build && npm run compile-tests` (npm run test:ui does both)';
  }
  if (!isCodeServerInstalled() || !existsSync(CHROMIUM)) return `code-server or chromium is missing: run bash ${INSTALLER}`;
  const { sshNodeMissing } = require(join(repoRoot, 'out/test/harness/sshNode.js'));
  const { containerdNodeMissing } = require(join(repoRoot, 'out/test/harness/containerdNode.js'));
  return sshNodeMissing() ?? containerdNodeMissing() ?? (existsSync('/usr/bin/runsc') ? undefined : 'missing /usr/bin/runsc: run scripts/testbed/install-node.sh');
}

function skipReason() {
  const why = missing();
  if (why && process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1') throw new Error(`${why} (KUBE_SANDBOX_REQUIRE_TESTBED=1)`);
  return why ?? false;
}

// KUBE_SANDBOX_UI_SHOTS=DIR saves what each question looked like, for a human to check.
let shots = 0;
async function shoot(page, name) {
  const to = process.env.KUBE_SANDBOX_UI_SHOTS;
  if (to) await page.screenshot({ path: join(to, `${String(++shots).padStart(2, '0')}-${name.replace(/\W+/g, '-')}.png`) });
}

/** The modal whose message contains `message`: its text, after clicking `button`. */
async function answerDialog(page, message, button) {
  const dialog = page.locator('.monaco-dialog-box', { hasText: message });
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  await shoot(page, message);
  const text = await dialog.innerText();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}

/** The input box titled `title`: its prompt, after (optionally) ticking its title-bar button and entering `value`. */
async function answerInput(page, title, value, { toggle = false } = {}) {
  const widget = page.locator('.quick-input-widget:visible', { has: page.locator('.quick-input-title', { hasText: title }) });
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  let prompt = await widget.locator('.quick-input-message').innerText();
  if (toggle) {
    await widget.locator('.quick-input-titlebar .action-label').first().click();
    await page.waitForFunction((t) => document.querySelector('.quick-input-widget .quick-input-message')?.textContent?.includes(t), 'remembered');
    prompt = await widget.locator('.quick-input-message').innerText();
  }
  const box = widget.locator('.quick-input-box input');
  await box.fill(value);
  await shoot(page, title);
  await box.press('Enter');
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  return prompt;
}

async function runCommand(page, title) {
  await page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 } });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The text of the newest notification that contains `text`. */
async function notification(page, text) {
  const item = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).last();
  await item.waitFor({ state: 'visible', timeout: 90_000 });
  return item.innerText();
}

describe('Install gVisor on Node…: every question answered in the page (code-server, real sshd + sudo, containerd)', { skip: skipReason() }, () => {
  let ssh;
  let cd;
  let server;
  let browser;
  let page;
  let dir;
  let knownHosts;

  before(async () => {
    const { startSshNode } = require(join(repoRoot, 'out/test/harness/sshNode.js'));
    const { startContainerdNode } = require(join(repoRoot, 'out/test/harness/containerdNode.js'));
    [ssh, cd] = await Promise.all([startSshNode(), startContainerdNode()]);
    dir = mkdtempSync(join(tmpdir(), 'ksb-ui-prompts-'));
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, '');
    writeFileSync(join(dir, 'ssh_config'), '');
    // The sudo user's own key pair, its private half now behind a passphrase.
    const key = join(dir, 'id_ed25519');
    copyFileSync(ssh.sudoUser.keyPath, key);
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', key]);
    const quote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
    const workspace = join(dir, 'workspace');
    execFileSync('mkdir', ['-p', workspace]);
    writeFileSync(join(workspace, 'notes.md'), '# nodes\n');
    // No cluster (KUBECONFIG names no file), so the palette command asks for an SSH host; no
    // ssh-agent, so the identity file's passphrase is asked.
    process.env.KUBECONFIG = join(dir, 'no-kubeconfig');
    delete process.env.SSH_AUTH_SOCK;
    server = await startCodeServer({
      offline: true,
      settings: {
        'kubeSandbox.nodes': {
          [NODE]: {
            host: ssh.host, port: ssh.port, user: ssh.sudoUser.user, identityFile: key,
            containerdConfig: cd.configPath, restartCommand: cd.restartCommand.map(quote).join(' '),
            binDir: join(cd.dir, 'bin'), stateDir: join(cd.dir, 'kube-sandbox-state'),
          },
        },
        'kubeSandbox.knownHostsFile': knownHosts,
        'kubeSandbox.sshConfigFile': join(dir, 'ssh_config'),
        'kubeSandbox.install.method': 'distro',
      },
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server.port, workspace, [
      ['extensionDevelopmentPath', remoteUri(server.port, repoRoot)],
      ['openFile', remoteUri(server.port, join(workspace, 'notes.md'))],
    ]));
    await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await cd?.stop();
    await ssh?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** On failure, what the page showed. */
  async function step(name, body) {
    try {
      return await body();
    } catch (error) {
      const shot = join(tmpdir(), `kube-sandbox-ui-${Date.now()}.png`);
      await page?.screenshot({ path: shot }).catch(() => undefined);
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)} (screenshot: ${shot})`);
    }
  }

  it('install: host, host key, passphrase, sudo password remembered, plan approved', async () => {
    const fingerprint = /SHA256:\S+/.exec(execFileSync('/usr/bin/ssh-keygen', ['-l', '-E', 'sha256', '-f', `${ssh.hostKeyPath}.pub`], { encoding: 'utf8' }))?.[0];
    await step('palette', () => runCommand(page, 'Install gVisor on Node'));
    await step('host', () => answerInput(page, 'SSH host of the node', NODE));
    const hostKey = await step('host key modal', () => answerDialog(page, 'is not a known SSH host', 'Accept'));
    assert.match(hostKey, new RegExp(`${NODE} \\(127\\.0\\.0\\.1:${ssh.port}\\) is not a known SSH host`));
    assert.ok(fingerprint && hostKey.includes(fingerprint), `the modal shows the node's fingerprint ${fingerprint}:\n${hostKey}`);
    assert.match(hostKey, /Nothing has been sent to the node yet/);
    const passphrase = await step('passphrase', () => answerInput(page, 'SSH key passphrase', PASSPHRASE));
    assert.match(passphrase, /not stored/);
    const sudo = await step('sudo password', () => answerInput(page, `sudo password on ${NODE}`, ssh.sudoUser.password, { toggle: true }));
    assert.match(sudo, /It will be remembered for this node/);
    const plan = await step('plan modal', () => answerDialog(page, `Install gVisor on ${NODE}?`, 'Install'));
    assert.match(plan, /The plan, with every file that changes, is open in the editor/);
    assert.match(plan, /containerd-shim-runsc-v1 will be missing/, 'the plan\'s warnings are in the modal');
    const done = await step('summary', () => notification(page, 'gVisor installed on'));
    assert.match(done, new RegExp(`gVisor installed on ${ssh.sudoUser.user}@127\\.0\\.0\\.1:${ssh.port}`));
    assert.match(readFileSync(knownHosts, 'utf8'), /^\[127\.0\.0\.1\]:\d+ ssh-ed25519 /m, 'the accepted key is remembered');
    assert.match(readFileSync(cd.configPath, 'utf8'), /runtime_type = "io\.containerd\.runsc\.v1"/);
  });

  it('uninstall: no host key question, the passphrase again, sudo\'s password from secret storage', async () => {
    await step('palette', () => runCommand(page, 'Uninstall gVisor from Node'));
    await step('host', () => answerInput(page, 'SSH host of the node', NODE));
    await step('passphrase', () => answerInput(page, 'SSH key passphrase', PASSPHRASE));
    // Next comes the plan: had sudo's password not been remembered, its input box would be here.
    const plan = await step('plan modal', () => answerDialog(page, `Uninstall gVisor on ${NODE}?`, 'Uninstall'));
    assert.match(plan, /Configs go back to their backups/);
    await step('summary', () => notification(page, 'gVisor uninstalled on'));
    assert.doesNotMatch(readFileSync(cd.configPath, 'utf8'), /runsc/);
  });
});
