import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { addImport, globMatch, importCovering, planContainerdDropIn } from '../../../src/core/node/containerdDropIn';
import { readFixture } from './configAssertions';

describe('globMatch (Go filepath.Match)', () => {
  it('matches * and ? within one path element only', () => {
    assert.ok(globMatch('/etc/containerd/conf.d/*.toml', '/etc/containerd/conf.d/99-runsc.toml'));
    assert.ok(!globMatch('/etc/containerd/conf.d/*.toml', '/etc/containerd/conf.d/sub/99-runsc.toml'));
    assert.ok(!globMatch('/etc/containerd/conf.d/*.toml', '/etc/containerd/conf.d/99-runsc.conf'));
    assert.ok(globMatch('/etc/containerd/runtime_?.toml', '/etc/containerd/runtime_a.toml'));
    assert.ok(!globMatch('/etc/containerd/runtime_?.toml', '/etc/containerd/runtime_ab.toml'));
  });

  it('understands character classes and escapes', () => {
    assert.ok(globMatch('/d/[0-9]*.toml', '/d/99-x.toml'));
    assert.ok(!globMatch('/d/[^0-9]*.toml', '/d/99-x.toml'));
    assert.ok(globMatch('/d/a\\*b', '/d/a*b'));
    assert.ok(!globMatch('/d/a\\*b', '/d/axb'));
    assert.ok(globMatch('/d/x.toml', '/d/x.toml') && !globMatch('/d/x.toml', '/d/xxtoml'), 'a dot is literal');
  });
});

describe('importCovering', () => {
  it('resolves relative entries against the main config folder', () => {
    assert.equal(importCovering(['conf.d/*.toml'], '/etc/containerd/config.toml', '/etc/containerd/conf.d/a.toml'), 'conf.d/*.toml');
    assert.equal(importCovering(['./debug.toml'], '/etc/containerd/config.toml', '/etc/containerd/debug.toml'), './debug.toml');
    assert.equal(importCovering(['/etc/containerd/other.toml'], '/etc/containerd/config.toml', '/etc/containerd/conf.d/a.toml'), undefined);
  });
});

describe('planContainerdDropIn', () => {
  it('builds a drop-in with the main file version and plugin id, and sees a covering import', () => {
    const main = readFixture('cases', 'containerd-2.0-default-v3.toml').replace('imports = []', 'imports = ["/etc/containerd/conf.d/*.toml"]');
    const plan = planContainerdDropIn(main, { containerdVersion: 'v2.1.3', dropInPath: '/etc/containerd/conf.d/99-kube-sandbox-runsc.toml' });
    assert.equal(plan.kind, 'ok');
    if (plan.kind !== 'ok') return;
    assert.equal(plan.coveredBy, '/etc/containerd/conf.d/*.toml');
    assert.equal(plan.mergeSafe, true);
    const parsed = JSON.parse(JSON.stringify(parse(plan.content))) as Record<string, unknown>;
    assert.deepEqual(parsed, {
      version: 3,
      plugins: { 'io.containerd.cri.v1.runtime': { containerd: { runtimes: { runsc: { runtime_type: 'io.containerd.runsc.v1', options: { TypeUrl: 'io.containerd.runsc.v1.options', ConfigPath: '/etc/containerd/runsc.toml' } } } } } },
    });
  });

  it('warns that containerd 1.x would replace the CRI section, and says when nothing imports the file', () => {
    const plan = planContainerdDropIn(readFixture('cases', 'kubeadm-node-v2.toml'), { containerdVersion: '1.6.20~ds1' });
    assert.equal(plan.kind, 'ok');
    if (plan.kind !== 'ok') return;
    assert.equal(plan.mergeSafe, false);
    assert.equal(plan.coveredBy, undefined);
    assert.match(plan.notes.join(' '), /replaces a whole plugin section/);
    assert.match(plan.notes.join(' '), /does not import/);
    assert.match(plan.content, /^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runsc\]$/m);
  });

  it('does not guess when the containerd version is unknown', () => {
    const plan = planContainerdDropIn('version = 2\n');
    assert.ok(plan.kind === 'ok' && plan.mergeSafe === undefined && plan.notes.some((n) => n.includes('unknown')));
  });

  it('passes on errors about the main file', () => {
    assert.equal(planContainerdDropIn('version = "two"\n').kind, 'error');
  });
});

describe('addImport', () => {
  const entry = '/etc/containerd/conf.d/99-kube-sandbox-runsc.toml';
  const add = (text: string): string => {
    const r = addImport(text, entry, 'config.toml');
    assert.equal(r.kind, 'changed', r.kind === 'error' ? r.message : r.kind);
    return r.kind === 'changed' ? r.text : '';
  };

  it('fills containerd 2.0\'s empty imports = [] in place', () => {
    const main = readFixture('cases', 'containerd-2.0-default-v3.toml');
    const out = add(main);
    assert.equal(out, main.replace('imports = []', `imports = ["${entry}"]`));
  });

  it('appends to one-line and multi-line lists, keeping comments, trailing commas and CRLF', () => {
    assert.equal(add('version = 3\nimports = ["/a.toml"] # keep\n'), `version = 3\nimports = ["/a.toml", "${entry}"] # keep\n`);
    assert.equal(add('version = 3\nimports = ["/a.toml",]\n'), `version = 3\nimports = ["/a.toml", "${entry}"]\n`);
    assert.equal(add('version = 3\nimports = [\n  "/a.toml", # first\n  "/b.toml"\n]\n'),
      `version = 3\nimports = [\n  "/a.toml", # first\n  "/b.toml",\n  "${entry}",\n]\n`);
    assert.equal(add('version = 3\r\nimports = [\r\n    "/a.toml",\r\n]\r\n'), `version = 3\r\nimports = [\r\n    "/a.toml",\r\n    "${entry}",\r\n]\r\n`);
    assert.equal(add('version = 3\nimports = [\n  "/a.toml", "/b.toml"]\n'), `version = 3\nimports = [\n  "/a.toml", "/b.toml", "${entry}"]\n`);
  });

  it('adds an imports line after version, before any table', () => {
    assert.equal(add('# node config\nversion = 3\n\n[grpc]\n  address = "/run/c.sock"\n'),
      `# node config\nversion = 3\nimports = ["${entry}"]\n\n[grpc]\n  address = "/run/c.sock"\n`);
    assert.equal(add('version = 3'), `version = 3\nimports = ["${entry}"]\n`);
    assert.equal(add('[grpc]\n  address = "x"\n'), `imports = ["${entry}"]\n[grpc]\n  address = "x"\n`);
  });

  it('is unchanged when the entry is there, and refuses what is not a list of paths', () => {
    assert.equal(addImport(`imports = ["${entry}"]\n`, entry, 'c').kind, 'unchanged');
    const bad = addImport('imports = "/a.toml"\n', entry, 'c');
    assert.ok(bad.kind === 'error' && /not a list of paths/.test(bad.message));
  });
});
