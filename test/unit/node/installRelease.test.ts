// gVisor release URLs, versions, checksums (verified on real local files), labels, ELF arch.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  aptChannel, checkReleaseBaseUrl, checkSha512, elfArch, gvisorLabelValue, parseReleaseVersion, releaseArch, releaseUrls,
  runscReleaseFrom, sha512FromChecksumFile,
} from '../../../src/core/node/gvisorRelease';

describe('gVisor release locations', () => {
  it('maps uname -m and Go/Debian names to the release folders, and nothing else', () => {
    assert.equal(releaseArch('x86_64'), 'x86_64');
    assert.equal(releaseArch('amd64'), 'x86_64');
    assert.equal(releaseArch('aarch64'), 'aarch64');
    assert.equal(releaseArch('arm64\n'), 'aarch64');
    for (const m of ['armv7l', 'riscv64', 'ppc64le', 's390x', 'i686', '']) assert.equal(releaseArch(m), undefined, m);
  });

  it('accepts latest, a release date and a point release (with or without the tag prefix)', () => {
    assert.deepEqual(parseReleaseVersion(undefined), { ok: true, version: 'latest' });
    assert.deepEqual(parseReleaseVersion('20240513'), { ok: true, version: '20240513' });
    assert.deepEqual(parseReleaseVersion('release-20240513.0'), { ok: true, version: '20240513.0' });
    for (const bad of ['2024-05-13', '20241350', 'v1.2.3', 'latest/../../x', '20240513.0;rm', ' ']) {
      const r = parseReleaseVersion(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.match(r.message, /latest, a release date such as 20240513/);
    }
  });

  it('builds both layouts for each architecture, and mirror URLs', () => {
    assert.deepEqual(releaseUrls('latest', 'x86_64'), {
      dir: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64',
      tarball: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/gvisor.tar.bz2',
      tarballSha512: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/gvisor.tar.bz2.sha512',
      runsc: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/runsc',
      runscSha512: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/runsc.sha512',
      shim: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/containerd-shim-runsc-v1',
      shimSha512: 'https://storage.googleapis.com/gvisor/releases/release/latest/x86_64/containerd-shim-runsc-v1.sha512',
    });
    assert.equal(releaseUrls('20240513.0', 'aarch64').runsc, 'https://storage.googleapis.com/gvisor/releases/release/20240513.0/aarch64/runsc');
    assert.equal(releaseUrls('20240513', 'x86_64', 'https://mirror.example/gvisor/').tarball, 'https://mirror.example/gvisor/release/20240513/x86_64/gvisor.tar.bz2');
    assert.equal(releaseUrls('latest', 'x86_64', 'file:///srv/gvisor').dir, 'file:///srv/gvisor/release/latest/x86_64');
    assert.throws(() => releaseUrls('nope', 'x86_64'), /not a gVisor release version/);
    assert.equal(checkReleaseBaseUrl('https://mirror.example'), undefined);
    assert.equal(checkReleaseBaseUrl('file:///srv/mirror'), undefined);
    assert.match(checkReleaseBaseUrl('http://mirror.example') ?? '', /https:\/\//);
    assert.match(checkReleaseBaseUrl('ftp://x') ?? '', /not a usable release location/);
  });

  it('maps versions to apt channels', () => {
    assert.deepEqual(aptChannel(undefined), { ok: true, version: 'release' });
    assert.deepEqual(aptChannel('20240513'), { ok: true, version: '20240513' });
    const point = aptChannel('20240513.1');
    assert.equal(point.ok, false);
    if (!point.ok) assert.match(point.message, /no point releases/);
  });
});

describe('release checksums, verified on local files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ksb-sha512-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sha512 = (file: string): string => createHash('sha512').update(readFileSync(file)).digest('hex');

  it('accepts a file whose SHA-512 is the published one (sha512sum format, text and binary mode)', () => {
    const file = join(dir, 'gvisor.tar.bz2');
    writeFileSync(file, Buffer.from([0x42, 0x5a, 0x68, 0x39, 0, 1, 2, 3]));
    const sum = sha512(file);
    writeFileSync(`${file}.sha512`, `${sum}  gvisor.tar.bz2\n`);
    assert.deepEqual(checkSha512(sha512(file), readFileSync(`${file}.sha512`, 'utf8'), 'gvisor.tar.bz2'), { ok: true });
    assert.deepEqual(checkSha512(sha512(file), `${sum.toUpperCase()} *gvisor.tar.bz2\n`, 'gvisor.tar.bz2'), { ok: true });
    assert.deepEqual(checkSha512(sha512(file), `${sum}\n`, 'gvisor.tar.bz2'), { ok: true }, 'a bare checksum counts');
  });

  it('refuses a changed file, a checksum for another file, and a file without a checksum', () => {
    const file = join(dir, 'runsc');
    writeFileSync(file, 'runsc bytes');
    const published = `${sha512(file)}  runsc\n`;
    writeFileSync(file, 'runsc bytes, tampered');
    const r = checkSha512(sha512(file), published, 'runsc');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /runsc does not match its published checksum .* Nothing was installed/);
    const other = `${sha512(file)}  containerd-shim-runsc-v1\n${'0'.repeat(128)}  runsc.other\n`;
    assert.equal(checkSha512(sha512(file), other, 'runsc').ok, false);
    const none = sha512FromChecksumFile('<html>404</html>', 'runsc');
    assert.equal(none.ok, false);
  });
});

describe('runsc versions and the node label', () => {
  it('reads the release date from official, Debian and Ubuntu version lines', () => {
    assert.equal(runscReleaseFrom('runsc version release-20240513.0'), '20240513.0');
    assert.equal(runscReleaseFrom('runsc version 0.0~20221219.0'), '20221219.0');
    assert.equal(runscReleaseFrom('runsc version 0.0~20240729.0-4'), '20240729.0');
    assert.equal(runscReleaseFrom('runsc version 20260907'), '20260907');
    assert.equal(runscReleaseFrom('runsc version master'), undefined);
    assert.equal(runscReleaseFrom(undefined), undefined);
  });

  it('makes valid label values', () => {
    assert.equal(gvisorLabelValue('20221219.0'), '20221219.0');
    assert.equal(gvisorLabelValue('0.0~20221219.0'), '0.0-20221219.0');
    assert.equal(gvisorLabelValue('runsc version master'), 'runsc-version-master');
    assert.equal(gvisorLabelValue('~~~'), 'unknown');
    assert.ok(gvisorLabelValue('x'.repeat(100)).length <= 63);
  });
});

describe('ELF architecture of a local binary', () => {
  it('reads this machine\'s node binary, and says not-elf for a script', () => {
    const head = readFileSync(process.execPath).subarray(0, 64);
    assert.equal(elfArch(head), process.arch === 'arm64' ? 'aarch64' : 'x86_64');
    assert.equal(elfArch(Buffer.from('#!/bin/sh\necho shim\n')), 'not-elf');
    const riscv = Buffer.from(head);
    riscv[18] = 0xf3;
    riscv[19] = 0;
    assert.equal(elfArch(riscv), 'other');
  });
});
