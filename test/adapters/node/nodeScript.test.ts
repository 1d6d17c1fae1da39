// The node script run for real, here, as root, under dash and busybox sh: detection, the
// config write protocol (backup once, no-op, refusal when the file changed, containerd's own
// check), release downloads from a file:// mirror in both layouts with SHA-512 checks (the
// real gVisor bucket is not reachable from these machines), and uploads checked by SHA-256.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkSha512, releaseUrls } from '../../../src/core/node/gvisorRelease';
import { KeyValues, parseNodeFacts } from '../../../src/core/node/nodeFacts';
import { NODE_SCRIPT } from '../../../src/core/node/nodeScript';
import { scriptArgv, type ScriptCall } from '../../../src/core/node/remoteScript';
import { containerdNodeMissing, startContainerdNode, type ContainerdNode } from '../../harness/containerdNode';
import { testbedSkip } from '../../harness/sshNode';
import { standInShim, standInShimMissing } from '../../harness/standInShim';

const SHELLS: Array<[string, string[]]> = [['dash', ['/bin/sh']], ['busybox sh', ['/bin/busybox', 'sh']]];

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the node script tests run as root (as the script does on a node)';
  const need = ['/bin/busybox', '/usr/bin/containerd', '/usr/bin/runsc', '/usr/bin/curl', '/usr/bin/bzip2'];
  const gone = need.filter((p) => !existsSync(p));
  return gone.length ? `missing ${gone.join(', ')}: run scripts/testbed/install-node.sh` : undefined;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const sha512 = (b: Buffer | string): string => createHash('sha512').update(b).digest('hex');

describe('node script, run for real', { skip: testbedSkip(missing()) }, () => {
  let dir: string;
  let script: string;
  const run = (shell: string[], call: ScriptCall): { code: number | null; kv: KeyValues; stdout: string; stderr: string } => {
    const argv = scriptArgv(script, call).slice(1);
    const r = spawnSync(shell[0] as string, [...shell.slice(1), ...argv], { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, kv: new KeyValues(r.stdout), stdout: r.stdout, stderr: r.stderr };
  };
  const sh = SHELLS[0]?.[1] as string[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ksb-nodescript-'));
    script = join(dir, 'ksb-node.sh');
    writeFileSync(script, NODE_SCRIPT, { mode: 0o700 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, shell] of SHELLS) {
    it(`detects this machine under ${name}, file bytes and all`, () => {
      const odd = join(dir, `odd-${name.replace(' ', '-')}.toml`);
      const text = 'a = "ünïcödé"  \n# no final newline, a tab\there';
      writeFileSync(odd, text);
      const r = run(shell, { sub: 'detect', hintDir: join(dir, 'no-bin'), probePlatform: 'ptrace', files: { config: odd, gone: join(dir, 'nope') } });
      assert.equal(r.code, 0, r.stderr);
      const f = parseNodeFacts(r.stdout, ['config', 'gone']);
      assert.equal(f.arch, spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim());
      assert.equal(f.kernel, spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim());
      assert.equal(f.os.id, 'debian');
      assert.ok(f.containerd?.version?.match(/^\d+\.\d+\.\d+$/), f.containerd?.versionLine);
      assert.equal(f.runsc?.path, '/usr/bin/runsc');
      assert.match(f.runsc?.release ?? '', /^\d{8}/);
      assert.ok(f.tools.has('sha512sum') && f.tools.has('ctr'));
      assert.deepEqual(f.files['config'], { exists: true, sha256: sha256(text), text });
      assert.deepEqual(f.files['gone'], { exists: false });
      assert.deepEqual(f.platformProbe, { platform: 'ptrace', ok: true }, 'runsc really started a sandbox on ptrace');
    });
  }

  it('probes systrap with the real runsc and reports what it said', () => {
    const r = run(sh, { sub: 'detect', hintDir: '/usr/bin', probePlatform: 'systrap', files: {} });
    const f = parseNodeFacts(r.stdout, []);
    assert.equal(f.platformProbe?.platform, 'systrap');
    // Debian 12's runsc (20221219) predates systrap; a newer one runs it.
    if (Number(f.runsc?.release?.slice(0, 8)) < 20230601) {
      assert.deepEqual(f.platformProbe, { platform: 'systrap', ok: false, error: 'unknown platform: systrap' });
    } else {
      assert.equal(f.platformProbe?.ok, true);
    }
  });

  it('writes a config once: backup once, no-op when equal, refusal when changed since the plan', () => {
    const target = join(dir, 'etc', 'config.toml');
    const src = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
    const first = run(sh, { sub: 'write-file', target, source: src('c1', 'a = 1\n'), expectSha256: 'absent', mode: 0o640 });
    assert.equal(first.kv.get('changed'), 'yes', first.stderr);
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.equal(first.kv.get('backup'), undefined, 'nothing to back up');
    const mtime = statSync(target).mtimeMs;
    const same = run(sh, { sub: 'write-file', target, source: src('c2', 'a = 1\n'), expectSha256: sha256('a = 1\n'), mode: 0o644, backup: `${target}.bak` });
    assert.equal(same.kv.get('changed'), 'no');
    assert.equal(statSync(target).mtimeMs, mtime);
    assert.equal(existsSync(`${target}.bak`), false, 'a no-op makes no backup');
    const second = run(sh, { sub: 'write-file', target, source: src('c3', 'a = 2\n'), expectSha256: sha256('a = 1\n'), mode: 0o644, backup: `${target}.bak` });
    assert.deepEqual([second.kv.get('changed'), second.kv.get('backup')], ['yes', 'created']);
    assert.equal(statSync(target).mode & 0o777, 0o640, 'the file keeps its mode');
    const third = run(sh, { sub: 'write-file', target, source: src('c4', 'a = 3\n'), expectSha256: sha256('a = 2\n'), mode: 0o644, backup: `${target}.bak` });
    assert.deepEqual([third.kv.get('changed'), third.kv.get('backup')], ['yes', 'kept']);
    assert.equal(readFileSync(`${target}.bak`, 'utf8'), 'a = 1\n', 'the first backup is never overwritten');
    const stale = run(sh, { sub: 'write-file', target, source: src('c5', 'a = 4\n'), expectSha256: sha256('a = 2\n'), mode: 0o644 });
    assert.equal(stale.code, 3);
    assert.equal(stale.kv.get('error'), 'changed-since-plan');
    assert.equal(readFileSync(target, 'utf8'), 'a = 3\n');
  });

  it('lets containerd judge a candidate config and swaps only what it accepts', () => {
    const target = join(dir, 'containerd', 'config.toml');
    mkdirSync(join(dir, 'containerd'));
    const good = 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]\n  runtime_type = "io.containerd.runsc.v1"\n';
    writeFileSync(target, 'version = 2\n');
    const write = (text: string, runtime?: string) => {
      const source = join(dir, `cand-${sha256(text).slice(0, 8)}`);
      writeFileSync(source, text);
      return run(sh, { sub: 'write-file', target, source, expectSha256: sha256(readFileSync(target)), mode: 0o644, checkWith: '/usr/bin/containerd', ...(runtime ? { runtime } : {}) });
    };
    const broken = write('version = 2\n[plugins\n', 'runsc');
    assert.equal(broken.kv.get('error'), 'check-failed');
    assert.match(broken.kv.get('message') ?? '', /containerd refused the new config/);
    const noRuntime = write('version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "x"\n', 'runsc');
    assert.match(noRuntime.kv.get('message') ?? '', /does not list the runsc runtime/);
    assert.equal(readFileSync(target, 'utf8'), 'version = 2\n', 'refused candidates never replace the file');
    assert.equal(existsSync(`${target}.ksb-new`), false, 'and leave nothing behind');
    const ok = write(good, 'runsc');
    assert.deepEqual([ok.kv.get('checked'), ok.kv.get('changed')], ['yes', 'yes'], ok.stderr);
    assert.equal(readFileSync(target, 'utf8'), good);
  });

  describe('release downloads from a file:// mirror', () => {
    let mirror: string;
    const payload = { runsc: '#!/bin/sh\necho "runsc version release-20240513.0"\n', shim: '#!/bin/sh\necho shim\n', sentry: 'sentry' };
    const tar = (cwd: string, out: string, entries: string[]): void => {
      // -P keeps a "../" in member names, as a hostile tarball would have it.
      const r = spawnSync('tar', ['-cPjf', out, ...entries], { cwd, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    before(() => {
      mirror = join(dir, 'mirror');
      const content = join(dir, 'content');
      mkdirSync(join(content, 'gvisor-bin'), { recursive: true });
      writeFileSync(join(content, 'runsc'), payload.runsc, { mode: 0o755 });
      writeFileSync(join(content, 'containerd-shim-runsc-v1'), payload.shim, { mode: 0o755 });
      writeFileSync(join(content, 'gvisor-bin', 'gvisor_sentry'), payload.sentry, { mode: 0o755 });
      const put = (version: string, layout: 'tarball' | 'files'): void => {
        const d = releaseUrls(version, 'x86_64', `file://${mirror}`).dir.replace('file://', '');
        mkdirSync(d, { recursive: true });
        if (layout === 'tarball') {
          tar(content, join(d, 'gvisor.tar.bz2'), ['runsc', 'containerd-shim-runsc-v1', 'gvisor-bin']);
          writeFileSync(join(d, 'gvisor.tar.bz2.sha512'), `${sha512(readFileSync(join(d, 'gvisor.tar.bz2')))}  gvisor.tar.bz2\n`);
        } else {
          for (const f of ['runsc', 'containerd-shim-runsc-v1']) {
            writeFileSync(join(d, f), readFileSync(join(content, f)));
            writeFileSync(join(d, `${f}.sha512`), `${sha512(readFileSync(join(content, f)))}  ${f}\n`);
          }
        }
      };
      put('20260907.0', 'tarball');
      put('20240513.0', 'files');
      // A tampered tarball: the published checksum is of other bytes.
      put('20260908.0', 'tarball');
      const t = releaseUrls('20260908.0', 'x86_64', `file://${mirror}`).tarball.replace('file://', '');
      writeFileSync(t, Buffer.concat([readFileSync(t), Buffer.from('tampered')]));
      // Tarballs that try to write outside their folder, or carry a link.
      const evil = join(dir, 'evil');
      mkdirSync(join(evil, 'sub'), { recursive: true });
      writeFileSync(join(evil, 'runsc'), 'x');
      symlinkSync('/etc/passwd', join(evil, 'containerd-shim-runsc-v1'));
      for (const [version, entries] of [['20260909.0', ['runsc', 'sub/../runsc']], ['20260910.0', ['runsc', 'containerd-shim-runsc-v1']]] as const) {
        const d = releaseUrls(version, 'x86_64', `file://${mirror}`).dir.replace('file://', '');
        mkdirSync(d, { recursive: true });
        tar(evil, join(d, 'gvisor.tar.bz2'), [...entries]);
        writeFileSync(join(d, 'gvisor.tar.bz2.sha512'), `${sha512(readFileSync(join(d, 'gvisor.tar.bz2')))}  gvisor.tar.bz2\n`);
      }
    });
    const install = (version: string, binDir: string, knownSha512?: string) => {
      const urls = releaseUrls(version, 'x86_64', `file://${mirror}`);
      return run(sh, { sub: 'install-release', binDir, tarballUrl: urls.tarball, filesUrl: urls.dir, ...(knownSha512 ? { knownSha512 } : {}) });
    };

    it('installs the tarball layout, gvisor-bin/ next to runsc, checked by SHA-512', () => {
      const bin = join(dir, 'bin-tarball');
      const r = install('20260907.0', bin);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.kv.get('layout'), 'tarball');
      assert.deepEqual(r.kv.all('installed').sort(), [join(bin, 'containerd-shim-runsc-v1'), join(bin, 'gvisor-bin'), join(bin, 'runsc')]);
      assert.equal(readFileSync(join(bin, 'runsc'), 'utf8'), payload.runsc);
      assert.equal(readFileSync(join(bin, 'gvisor-bin', 'gvisor_sentry'), 'utf8'), payload.sentry);
      assert.equal(statSync(join(bin, 'runsc')).mode & 0o777, 0o755);
      // The script's checksum agrees with ours.
      const published = readFileSync(releaseUrls('20260907.0', 'x86_64', mirror).tarballSha512, 'utf8');
      const [, actual] = (r.kv.get('sha512_actual') ?? '').split(' ');
      assert.deepEqual(checkSha512(actual ?? '', published, 'gvisor.tar.bz2'), { ok: true });
      const again = install('20260907.0', bin, r.kv.get('release_sha512'));
      assert.equal(again.kv.get('unchanged_release'), 'yes', 'the same published checksum: no download');
      const mtime = statSync(join(bin, 'runsc')).mtimeMs;
      const forced = install('20260907.0', bin);
      assert.deepEqual(forced.kv.all('installed'), [], 'downloaded again, but nothing differs');
      assert.equal(statSync(join(bin, 'runsc')).mtimeMs, mtime);
    });

    it('falls back to the per-file layout of older releases', () => {
      const bin = join(dir, 'bin-files');
      const r = install('20240513.0', bin);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.kv.get('layout'), 'files');
      assert.equal(readFileSync(join(bin, 'containerd-shim-runsc-v1'), 'utf8'), payload.shim);
      assert.equal(existsSync(join(bin, 'gvisor-bin')), false);
    });

    it('refuses a tampered download, escaping paths and links, and installs nothing', () => {
      for (const [version, code] of [['20260908.0', 'checksum-mismatch'], ['20260909.0', 'bad-archive'], ['20260910.0', 'bad-archive'], ['20990101', 'download-failed']] as const) {
        const bin = join(dir, `bin-${version}`);
        const r = install(version, bin);
        assert.equal(r.code, 3, version);
        assert.equal(r.kv.get('error'), code, `${version}: ${r.stdout}`);
        assert.equal(existsSync(join(bin, 'runsc')), false, version);
      }
    });
  });

  it('installs uploads only when they match their SHA-256 list, and only what differs', () => {
    const stage = join(dir, 'stage');
    mkdirSync(stage);
    writeFileSync(join(stage, 'runsc'), 'runsc-bytes');
    writeFileSync(join(stage, 'containerd-shim-runsc-v1'), 'placeholder shim');
    writeFileSync(join(stage, 'SHA256SUMS'), `${sha256('runsc-bytes')}  runsc\n${sha256('other bytes')}  containerd-shim-runsc-v1\n`);
    const bin = join(dir, 'bin-upload');
    const bad = run(sh, { sub: 'install-files', binDir: bin, stageDir: stage });
    assert.equal(bad.kv.get('error'), 'upload-checksum-mismatch');
    assert.match(bad.kv.get('message') ?? '', /containerd-shim-runsc-v1: FAILED/);
    assert.equal(existsSync(bin), false);
    writeFileSync(join(stage, 'SHA256SUMS'), `${sha256('runsc-bytes')}  runsc\n${sha256('placeholder shim')}  containerd-shim-runsc-v1\n`);
    const ok = run(sh, { sub: 'install-files', binDir: bin, stageDir: stage });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(new KeyValues(ok.stdout).all('installed').length, 2);
    assert.ok(ok.stdout.includes(`sha256=${sha256('runsc-bytes')} ${join(bin, 'runsc')}`));
    const again = run(sh, { sub: 'install-files', binDir: bin, stageDir: stage });
    assert.deepEqual(again.kv.all('installed'), []);
    assert.equal(again.kv.all('unchanged').length, 2);
    // Removal leaves a file alone once it is no longer what was installed.
    writeFileSync(join(bin, 'runsc'), 'replaced by an admin');
    chmodSync(join(bin, 'runsc'), 0o755);
    const keep = run(sh, { sub: 'remove', path: join(bin, 'runsc'), expectSha256: sha256('runsc-bytes') });
    assert.equal(keep.kv.get('kept_changed'), join(bin, 'runsc'));
    assert.ok(existsSync(join(bin, 'runsc')));
    const gone = run(sh, { sub: 'remove', path: join(bin, 'containerd-shim-runsc-v1'), expectSha256: sha256('placeholder shim') });
    assert.equal(gone.kv.get('removed'), 'yes');
  });

  describe('a throwaway container through containerd', { skip: testbedSkip(containerdNodeMissing() ?? standInShimMissing()) }, () => {
    let cd: ContainerdNode;
    before(async () => {
      cd = await startContainerdNode();
      mkdirSync(join(cd.dir, 'bin'));
      writeFileSync(join(cd.dir, 'bin', 'containerd-shim-runsc-v1'), standInShim(cd.dir), { mode: 0o755 });
    });
    after(async () => cd?.stop());

    const runIn = (shell: string[], runtimeType: string): { code: number | null; kv: KeyValues; stderr: string; left: string[] } => {
      const tmp = mkdtempSync(join(dir, 'tmp-'));
      const argv = scriptArgv(script, { sub: 'container', socket: cd.socket, runtimeType }).slice(1);
      const r = spawnSync(shell[0] as string, [...shell.slice(1), ...argv], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, TMPDIR: tmp } });
      return { code: r.status, kv: new KeyValues(r.stdout), stderr: r.stderr, left: readdirSync(tmp) };
    };
    const namespaces = (): string => spawnSync('ctr', ['--address', cd.socket, 'namespaces', 'list', '--quiet'], { encoding: 'utf8' }).stdout;

    for (const [name, shell] of SHELLS) {
      it(`runs one with the node's /usr read-only as its root under ${name}, and leaves nothing behind`, () => {
        const r = runIn(shell, 'io.containerd.runsc.v1');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.kv.get('container_exit'), '0', r.kv.get('container_error'));
        assert.equal(r.kv.get('container_kernel'), '4.4.0', 'gVisor\'s kernel, not the node\'s');
        assert.equal(r.kv.get('container_starting_gvisor'), 'yes');
        assert.match(r.kv.all('container_dmesg')[0] ?? '', /Starting gVisor/);
        assert.deepEqual(r.left, [], 'its root folder and error file are gone');
        assert.doesNotMatch(namespaces(), /kube-sandbox-check/);
      });
    }

    it('reports a runtime containerd cannot start, and still cleans up', () => {
      const r = runIn(SHELLS[0]?.[1] as string[], 'io.containerd.nosuch.v1');
      assert.equal(r.code, 0, r.stderr);
      assert.notEqual(r.kv.get('container_exit'), '0');
      assert.match(r.kv.get('container_error') ?? '', /containerd-shim-nosuch-v1/);
      assert.deepEqual(r.left, []);
      assert.doesNotMatch(namespaces(), /kube-sandbox-check/);
    });
  });

  it('parses under dash, bash and busybox sh (sh -n)', () => {
    for (const shell of [['/bin/sh'], ['/bin/bash', '--posix'], ['/bin/busybox', 'sh']]) {
      const r = spawnSync(shell[0] as string, [...shell.slice(1), '-n', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${shell.join(' ')}: ${r.stderr}`);
    }
  });

  it('refuses unknown subcommands and wrong argument counts', () => {
    const r = spawnSync('/bin/sh', [script, 'rm-rf', '/'], { encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.match(r.stdout, /error=usage\nmessage=unknown subcommand rm-rf/);
    const short = spawnSync('/bin/sh', [script, 'write-file', '/x'], { encoding: 'utf8' });
    assert.match(short.stdout, /message=write-file takes 7 arguments, got 1/);
  });
});
