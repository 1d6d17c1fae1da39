// The release method end to end, from a file:// mirror on the node laid out like gVisor's
// bucket (storage.googleapis.com is not reachable from these machines): a gvisor.tar.bz2 with
// Debian's real runsc, the test stand-in shim (Debian has none: test/harness/standInShim.ts)
// and a gvisor-bin/ folder, published with its .sha512.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SshRemoteHost } from '../../../src/adapters/ssh';
import { releaseUrls } from '../../../src/core/node/gvisorRelease';
import { installGvisor } from '../../../src/core/node/installer';
import { testbedSkip } from '../../harness/sshNode';
import { standInShim } from '../../harness/standInShim';
import { bedMissing, bedOptions, nodeFiles, sha256, startContainerdNode, startInstallBed, type ContainerdNode, type InstallBed } from './installBed';

describe('installGvisor --method release from a mirror (real sshd, containerd, runsc)', { skip: testbedSkip(bedMissing()) }, () => {
  let bed: InstallBed;
  let host: SshRemoteHost;
  let cd: ContainerdNode;
  let mirror: string;
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';

  before(async () => {
    bed = await startInstallBed();
    [host, cd] = await Promise.all([bed.connect(bed.ssh.root), startContainerdNode()]);
    mirror = join(bed.dir, 'mirror');
    const content = join(bed.dir, 'release-content');
    mkdirSync(join(content, 'gvisor-bin'), { recursive: true });
    copyFileSync('/usr/bin/runsc', join(content, 'runsc'));
    writeFileSync(join(content, 'containerd-shim-runsc-v1'), standInShim(bed.dir), { mode: 0o755 });
    writeFileSync(join(content, 'gvisor-bin', 'gvisor_sentry'), 'placeholder sidecar\n', { mode: 0o755 });
    const dir = releaseUrls('20260907.0', arch, `file://${mirror}`).dir.replace('file://', '');
    mkdirSync(dir, { recursive: true });
    const tarball = join(dir, 'gvisor.tar.bz2');
    // bzip2 -1: the same format as gVisor's, quicker to make for a 24 MB runsc.
    const made = spawnSync('sh', ['-c', 'tar -cf - runsc containerd-shim-runsc-v1 gvisor-bin | bzip2 -1 > "$1"', 'sh', tarball], { cwd: content, encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    writeFileSync(`${tarball}.sha512`, `${createHash('sha512').update(readFileSync(tarball)).digest('hex')}  gvisor.tar.bz2\n`);
  });
  after(async () => {
    await cd?.stop();
    await bed?.stop();
  });

  it('downloads, checks the SHA-512, installs runsc with gvisor-bin/ next to it, and verifies', async () => {
    const options = bedOptions(cd, { method: 'release', version: '20260907.0', releaseBaseUrl: `file://${mirror}` });
    const r = await installGvisor({ shell: host }, options);
    assert.equal(r.outcome, 'installed', `${r.error ?? ''} ${r.messages.join(' ')}`);
    const bin = join(cd.dir, 'bin');
    assert.deepEqual(r.changed.slice(0, 3).sort(), [join(bin, 'containerd-shim-runsc-v1'), join(bin, 'gvisor-bin'), join(bin, 'runsc')]);
    assert.equal(sha256(readFileSync(join(bin, 'runsc'))), sha256(readFileSync('/usr/bin/runsc')));
    assert.equal(readFileSync(join(bin, 'gvisor-bin', 'gvisor_sentry'), 'utf8'), 'placeholder sidecar\n');
    assert.ok(r.evidence?.startingGvisor, 'the downloaded runsc ran a gVisor sandbox');
    assert.equal(r.plan?.shimReady, true);
    assert.ok(r.evidence?.container?.ran && r.evidence.container.startingGvisor, `containerd ran a gVisor container through the installed shim: ${JSON.stringify(r.evidence?.container)}`);

    // Again: the published checksum is the recorded one, so nothing is downloaded or written.
    const files = nodeFiles(cd);
    const again = await installGvisor({ shell: host }, options);
    assert.equal(again.outcome, 'already-installed', again.error);
    assert.equal(again.plan?.binaries.release?.knownSha512?.length, 128);
    assert.deepEqual(nodeFiles(cd), files);
  });
});
