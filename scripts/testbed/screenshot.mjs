// Takes a README screenshot: opens a file of examples/ in the test bed's VS Code (code-server,
// with this extension loaded from the checkout, as `npm start` does), optionally runs a command
// from the palette or hovers the first diagnostic, and saves a PNG. It works on a copy of
// examples/: commands such as "Sandbox All Workloads in File" edit and save files.
//
//   node scripts/testbed/screenshot.mjs <file in examples/> <out.png> [options]
//     --line N              put the cursor on line N (1-based) and scroll to it
//     --command "TITLE"     run a Command Palette entry by its title, e.g. "Kube Sandbox: Show Output"
//     --hover-diagnostic    hover the first warning/error squiggle and show its hover
//     --theme NAME          colour theme (default "Default Dark Modern")
//     --size WxH            window size in CSS pixels (default 1280x800)
//     --scale N             device pixel ratio (default 1; 2 for sharper images)
//     --wait MS             extra settle time before the picture (default 1500)
//
// Needs dist/extension.js (`npm run build`) and code-server (scripts/testbed/install-vscode.sh).
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INSTALLER, isCodeServerInstalled, remoteUri, startCodeServer, workbenchUrl } from './vscode-server.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const examples = join(repoRoot, 'examples');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];
const SQUIGGLE = '.squiggly-error, .squiggly-warning, .squiggly-info';

function fail(message) {
  process.stderr.write(`screenshot: ${message}\n`);
  process.exit(1);
}

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      line: { type: 'string' },
      command: { type: 'string' },
      'hover-diagnostic': { type: 'boolean', default: false },
      theme: { type: 'string', default: 'Default Dark Modern' },
      size: { type: 'string', default: '1280x800' },
      scale: { type: 'string', default: '1' },
      wait: { type: 'string', default: '1500' },
    },
  });
  if (positionals.length !== 2) fail('usage: screenshot.mjs <file in examples/> <out.png> [--line N] [--command TITLE] [--hover-diagnostic] [--theme NAME] [--size WxH] [--scale N] [--wait MS]');
  const file = resolve(examples, positionals[0]);
  if (relative(examples, file).startsWith('..')) fail(`${positionals[0]} is not inside examples/`);
  if (!existsSync(file) || !statSync(file).isFile()) fail(`no such file: ${file}`);
  const size = /^(\d+)x(\d+)$/.exec(values.size);
  if (!size) fail(`--size must look like 1280x800, not ${values.size}`);
  const line = values.line === undefined ? undefined : Number(values.line);
  if (line !== undefined && !(Number.isInteger(line) && line > 0)) fail(`--line must be a line number, not ${values.line}`);
  return {
    file,
    out: resolve(positionals[1]),
    line,
    command: values.command,
    hoverDiagnostic: values['hover-diagnostic'],
    theme: values.theme,
    viewport: { width: Number(size[1]), height: Number(size[2]) },
    scale: Number(values.scale) || 1,
    waitMs: Number(values.wait) || 0,
  };
}

async function main() {
  const options = parse();
  if (!existsSync(join(repoRoot, 'dist/extension.js'))) fail('dist/extension.js is missing: run `npm run build` first.');
  if (!isCodeServerInstalled()) fail(`code-server is not installed: run \`bash ${INSTALLER}\` first.`);
  if (!existsSync(CHROMIUM)) fail(`Debian's chromium is missing (${CHROMIUM}): run \`bash ${INSTALLER}\` first.`);
  const { chromium } = await import('playwright-core');

  // Named examples/ inside a temporary folder, so the Explorer reads EXAMPLES as with `npm start`.
  const temp = mkdtempSync(join(tmpdir(), 'kube-sandbox-screenshot-'));
  const folder = join(temp, 'examples');
  cpSync(examples, folder, { recursive: true });
  const file = join(folder, relative(examples, options.file));

  const server = await startCodeServer({ offline: true, settings: { 'workbench.colorTheme': options.theme } });
  // code-server runs in a process group of its own: Ctrl-C must take it down explicitly.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      server.kill();
      rmSync(temp, { recursive: true, force: true });
      process.exit(130);
    });
  }
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: options.viewport, deviceScaleFactor: options.scale });

    const payload = [['extensionDevelopmentPath', remoteUri(server.port, repoRoot)]];
    if (options.line === undefined) {
      payload.push(['openFile', remoteUri(server.port, file)]);
    } else {
      payload.push(['openFile', remoteUri(server.port, `${file}:${options.line}:1`)], ['gotoLineMode', 'true']);
    }
    await page.goto(workbenchUrl(server.port, folder, payload));
    await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 60_000 });
    // Let the extension activate and decorate the editor; a file without findings has neither.
    await page.locator(`.codelens-decoration, ${SQUIGGLE}`).first().waitFor({ timeout: 15_000 }).catch(() => undefined);

    if (options.command) await runCommand(page, options.command);
    if (options.hoverDiagnostic) await hoverFirstDiagnostic(page);
    await page.waitForTimeout(options.waitMs);

    mkdirSync(dirname(options.out), { recursive: true });
    await page.screenshot({ path: options.out });
    process.stderr.write(`screenshot: saved ${options.out}\n`);
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

async function runCommand(page, title) {
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const match = page.locator('.quick-input-list .monaco-list-row').first();
  await match.waitFor({ state: 'visible', timeout: 10_000 })
    .catch(() => { throw new Error(`the Command Palette has no entry for "${title}"`); });
  await page.keyboard.press('Enter');
}

async function hoverFirstDiagnostic(page) {
  const squiggle = page.locator(SQUIGGLE).first();
  await squiggle.waitFor({ timeout: 15_000 }).catch(() => { throw new Error('no diagnostic squiggle appeared in the editor'); });
  const box = await squiggle.boundingBox();
  if (!box) throw new Error('the first diagnostic is not on screen; pass --line to scroll to it');
  // Cursor on the squiggle, then "Show or Focus Hover" from the keyboard: a mouse hover would
  // also raise tooltips of whatever the pointer ends up over.
  await page.mouse.click(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2);
  await page.mouse.move(0, 0);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  await page.locator('.monaco-hover').filter({ visible: true }).first().waitFor({ timeout: 10_000 })
    .catch(() => { throw new Error('hovering the diagnostic showed no hover'); });
}

// Errors inside main() are thrown, not exited on, so that code-server and chromium are stopped first.
main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
