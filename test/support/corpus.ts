// The shared corpus of real manifests and configs lives beside the checkout on the team's
// machines and in CI, not in a user's clone: tests that read it skip (and say so) without it.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SHARED = path.resolve(__dirname, '../../../../shared/corpus');

export function corpusDir(sub: string): string | undefined {
  const dir = path.join(process.env.KUBE_SANDBOX_CORPUS ?? SHARED, sub);
  return fs.existsSync(dir) ? dir : undefined;
}

export function corpusSkipReason(sub: string): string | false {
  return corpusDir(sub) ? false : `corpus folder ${sub} not found beside the checkout (../shared/corpus); set KUBE_SANDBOX_CORPUS to run these cases`;
}

export function walkFiles(dir: string, extensions: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walkFiles(full, extensions));
    else if (extensions.some((ext) => entry.name.endsWith(ext))) out.push(full);
  }
  return out.sort();
}
