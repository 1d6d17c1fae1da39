// The runsc and shim binaries of the `upload` method, read on this machine: SHA-256 (compared
// on the node after the upload) and the ELF architecture (checked against the node's). Shared
// by the CLI and the editor, which differ only in how they name a missing file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { elfArch } from '../../core/node/gvisorRelease';
import type { LocalBinary, UploadSet } from '../../core/node/installOptions';

/** Builds the error for a binary that is not there: `which` says which one, `path` where it was looked for. */
export type MissingBinary = (which: 'runsc' | 'shim', path: string) => Error;

export async function localUploads(runsc: string, shim: string | undefined, missing: MissingBinary): Promise<UploadSet> {
  const upload: { -readonly [K in keyof UploadSet]: UploadSet[K] } = { runsc: await localBinary(runsc, 'runsc', missing) };
  if (shim) upload.shim = await localBinary(shim, 'shim', missing);
  // Newer releases need their gvisor-bin/ folder next to runsc: bring it along when it is there.
  const sidecar = join(dirname(upload.runsc.path), 'gvisor-bin');
  if ((await stat(sidecar).catch(() => undefined))?.isDirectory()) {
    const files = (await readdir(sidecar, { withFileTypes: true })).filter((e) => e.isFile());
    upload.gvisorBin = await Promise.all(files.map(async (e) => ({ name: e.name, path: join(sidecar, e.name), sha256: await sha256File(join(sidecar, e.name)) })));
  }
  return upload;
}

async function localBinary(path: string, which: 'runsc' | 'shim', missing: MissingBinary): Promise<LocalBinary> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw missing(which, path);
  const head = Buffer.alloc(64);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, 64, 0);
  } finally {
    await file.close();
  }
  return { path, sha256: await sha256File(path), arch: elfArch(head) };
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (d) => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}
