// Entry of the integration suite, loaded inside a real VS Code extension host. It follows the
// contract of @vscode/test-electron's `extensionTestsPath` (export `run(): Promise<void>`), so the
// same suite runs under code-server (scripts/testbed/run-vscode-tests.mjs) and desktop VS Code.
//
// Mocha's TDD interface (`suite`/`test`), over every compiled `*.test.js` next to this file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    // Output travels through the workbench's log forwarding, which does not render ANSI colours.
    color: false,
    // A cold extension host may take seconds to activate an extension or open an editor.
    timeout: 60_000,
    slow: 5_000,
  });
  // KUBE_SANDBOX_TEST_GREP=harness runs only the tests whose full title matches (code-server
  // passes its environment on to the extension host).
  const grep = process.env.KUBE_SANDBOX_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = fs.readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js files next to ${__filename}; run npm run compile-tests`);
  for (const file of files) mocha.addFile(path.join(__dirname, file));

  const stats = await new Promise<{ passes: number; failures: number; pending: number }>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => resolve({ failures, passes: runner.stats?.passes ?? 0, pending: runner.stats?.pending ?? 0 }));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  // The closing line CI reads to count tests.
  console.log(`integration: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
  if (stats.failures > 0) throw new Error(`${stats.failures} integration test${stats.failures === 1 ? '' : 's'} failed`);
}
