// Parsing what the node script prints, and the argument vectors that call it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KeyValues, NodeStepError, parseContainerCheck, parseNodeFacts, parseVerify, sandboxProven, semverFrom, sha256ByPath, stepResult,
  type ContainerEvidence,
} from '../../../src/core/node/nodeFacts';
import { verifyProblem } from '../../../src/core/node/installSteps';
import { NODE_SCRIPT } from '../../../src/core/node/nodeScript';
import { scriptArgv } from '../../../src/core/node/remoteScript';
import { detectOutput, facts, NODE_CONFIG } from './installFixtures';

describe('key=value output', () => {
  it('keeps repeated keys in order, ignores noise, and keeps = inside values', () => {
    const kv = new KeyValues('Welcome to the node!\ntool=curl\ntool=tar\r\nmessage=a=b c\n  indented=no\nBad-Key=x\n');
    assert.deepEqual(kv.all('tool'), ['curl', 'tar']);
    assert.equal(kv.get('message'), 'a=b c');
    assert.equal(kv.has('indented'), false);
    assert.equal(kv.has('Bad-Key'), false);
  });

  it('turns script errors and silent deaths into NodeStepErrors', () => {
    assert.throws(() => stepResult('Writing x', 'script_version=1\nerror=changed-since-plan\nmessage=x changed after the plan\n', '', 3),
      (e: unknown) => e instanceof NodeStepError && e.code === 'changed-since-plan' && e.message === 'Writing x failed on the node: x changed after the plan.');
    assert.throws(() => stepResult('Detecting', '', 'sh: 1: cannot open script\n', 2),
      (e: unknown) => e instanceof NodeStepError && e.code === 'exit' && /exit 2\): sh: 1: cannot open script/.test(e.message));
    assert.equal(stepResult('ok', 'script_version=1\nchanged=no\n', '', 0).get('changed'), 'no');
  });

  it('reads sha256 lines by path', () => {
    const kv = new KeyValues(`sha256=${'a'.repeat(64)} /usr/local/bin/runsc\nsha256=short /x\nsha256=${'b'.repeat(64)} /opt/with space/shim\n`);
    assert.deepEqual([...sha256ByPath(kv)], [['/usr/local/bin/runsc', 'a'.repeat(64)], ['/opt/with space/shim', 'b'.repeat(64)]]);
  });
});

describe('node facts', () => {
  it('reads a Debian 12 node with containerd 1.6 and Debian\'s runsc', () => {
    const f = facts();
    assert.equal(f.arch, 'x86_64');
    assert.equal(f.init, 'systemd');
    assert.deepEqual(f.os, { id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)' });
    assert.deepEqual(f.containerd, { bin: '/usr/bin/containerd', versionLine: 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', version: '1.6.20' });
    assert.equal(f.runsc?.release, '20221219.0');
    assert.equal(f.shim, undefined);
    assert.equal(f.packageRunsc, '0.0~20221219.0-2+b3');
    assert.deepEqual(f.platformProbe, { platform: 'systrap', ok: false, error: 'unknown platform: systrap' });
    assert.ok(f.tools.has('ctr'));
    const config = f.files['containerd_config'];
    assert.equal(config?.exists && config.text, NODE_CONFIG, 'file bytes come through base64');
    assert.deepEqual(f.files['runsc_toml'], { exists: false });
  });

  it('refuses output that is not the script\'s', () => {
    assert.throws(() => parseNodeFacts('Last login: yesterday\n', []), /did not answer the detection step/);
    assert.throws(() => parseNodeFacts(detectOutput().replace('done=yes', ''), []), /did not answer/);
  });

  it('finds versions in version lines', () => {
    assert.equal(semverFrom('containerd containerd.io v2.0.4 1a43cb6'), '2.0.4');
    assert.equal(semverFrom('crio version 1.30.1'), '1.30.1');
    assert.equal(semverFrom('nothing'), undefined);
  });
});

describe('verification evidence', () => {
  const output = (o: Record<string, string>): KeyValues => new KeyValues(Object.entries({
    script_version: '1', node_kernel: '6.1.0-18-amd64', runsc_exit: '0', guest_kernel: '4.4.0', starting_gvisor: 'yes',
    dump_runtime_type: 'io.containerd.runsc.v1', ...o,
  }).map(([k, v]) => `${k}=${v}`).join('\n') + '\ndmesg=[    0.000000] Starting gVisor...\ndone=yes\n');

  it('is proof when gVisor booted and the kernel differs from the node\'s', () => {
    const e = parseVerify(output({}));
    assert.deepEqual(e.dmesg, ['[    0.000000] Starting gVisor...']);
    assert.equal(sandboxProven(e), true);
    assert.equal(sandboxProven(parseVerify(output({ guest_kernel: '6.1.0-18-amd64' }))), false, 'the node\'s own kernel is no sandbox');
    assert.equal(sandboxProven(parseVerify(output({ starting_gvisor: 'no' }))), false);
    assert.equal(sandboxProven(parseVerify(output({ runsc_exit: '128' }))), false);
  });

  describe('of the throwaway container through containerd', () => {
    const container = (lines: string): ContainerEvidence => parseContainerCheck(new KeyValues(`script_version=1\n${lines}\ndone=yes\n`));
    const ran = container('container_exit=0\ncontainer_kernel=4.4.0\ncontainer_dmesg=[    0.000000] Starting gVisor...\ncontainer_starting_gvisor=yes');
    const problem = (c: ContainerEvidence): string | undefined => verifyProblem({ ...parseVerify(output({})), container: c }, undefined, 'runsc');

    it('is proof when the container booted gVisor', () => {
      assert.deepEqual(ran, { ran: true, exit: 0, kernel: '4.4.0', startingGvisor: true, dmesg: ['[    0.000000] Starting gVisor...'] });
      assert.equal(problem(ran), undefined);
    });

    it('says why not: a shim that fails, one containerd cannot find, a container on the node\'s kernel', () => {
      const failed = container('container_exit=1\ncontainer_kernel=\ncontainer_error=ctr: failed to start shim: start failed: exit status 1: unknown');
      assert.match(problem(failed) ?? '', /^a throwaway container that containerd started with the io\.containerd\.runsc\.v1 runtime failed \(exit 1\): ctr: failed to start shim.*Pods with a gVisor RuntimeClass would fail the same way$/);
      const missing = container('container_exit=1\ncontainer_error=ctr: failed to start shim: exec: "containerd-shim-runsc-v1": executable file not found in $PATH: unknown');
      assert.match(problem(missing) ?? '', /containerd finds containerd-shim-runsc-v1 on its own PATH/);
      const hostKernel = container('container_exit=0\ncontainer_kernel=6.1.0-18-amd64');
      assert.match(problem(hostKernel) ?? '', /ran, but not in gVisor: it reports kernel 6\.1\.0-18-amd64 \(the node's is 6\.1\.0-18-amd64\) and its dmesg has no "Starting gVisor"/);
      assert.match(problem(container('container_exit=124\ncontainer_error=the container did not finish within 120 s')) ?? '', /failed \(exit 124\): the container did not finish within 120 s/);
    });

    it('is no problem when skipped, and the skip says why', () => {
      const skipped = container('container_skipped=ctr (containerd\'s client) is not on the node\'s PATH');
      assert.deepEqual(skipped, { ran: false, skipped: 'ctr (containerd\'s client) is not on the node\'s PATH' });
      assert.equal(problem(skipped), undefined);
    });
  });
});

describe('calls to the node script', () => {
  it('puts every value in its own argument, with - for none', () => {
    assert.deepEqual(scriptArgv('/tmp/x/ksb-node.sh', {
      sub: 'write-file', target: '/etc/containerd/config.toml', source: '/tmp/x/01-config.toml', expectSha256: 'absent', mode: 0o644,
    }), ['sh', '/tmp/x/ksb-node.sh', 'write-file', '/etc/containerd/config.toml', '/tmp/x/01-config.toml', 'absent', '0644', '-', '-', '-']);
    const evil = '/etc/containerd/config.toml; rm -rf / #';
    const argv = scriptArgv('/s', { sub: 'verify', runsc: '/usr/bin/runsc', platform: 'systrap', containerdBin: '/usr/bin/containerd', config: evil, runtime: 'runsc' });
    assert.equal(argv[6], evil, 'a path with shell syntax stays one argument');
    assert.deepEqual(scriptArgv('/s', { sub: 'detect', hintDir: '/usr/local/bin', probePlatform: 'kvm', files: { state: '/var/lib/k/s' } }),
      ['sh', '/s', 'detect', '/usr/local/bin', 'kvm', 'state', '/var/lib/k/s']);
    assert.deepEqual(scriptArgv('/s', { sub: 'health', kind: 'containerd', socket: '/run/c.sock', seconds: 0.2 }).slice(3), ['containerd', '/run/c.sock', '1']);
    assert.deepEqual(scriptArgv('/s', { sub: 'container', socket: '/run/containerd/containerd.sock', runtimeType: 'io.containerd.runsc.v1' }).slice(2),
      ['container', '/run/containerd/containerd.sock', 'io.containerd.runsc.v1']);
  });

  it('refuses empty arguments and odd file names', () => {
    assert.throws(() => scriptArgv('/s', { sub: 'remove', path: '' }), /Empty argument/);
    assert.throws(() => scriptArgv('/s', { sub: 'detect', hintDir: '/x', files: { 'a b': '/y' } }), /Invalid detect file name/);
  });

  it('is one POSIX sh script that knows every subcommand the installer calls', () => {
    assert.ok(NODE_SCRIPT.startsWith('#!/bin/sh\n'));
    for (const sub of ['detect', 'install-release', 'install-files', 'install-package', 'write-file', 'remove', 'remove-dir', 'remove-package', 'restart', 'health', 'verify', 'container', 'dump']) {
      assert.match(NODE_SCRIPT, new RegExp(`\\n  ${sub}\\) `), sub);
    }
    assert.doesNotMatch(NODE_SCRIPT, /\beval\b|\[\[ |\bfunction\b|\$\{|^\s*local /m, 'no eval, no bashisms, no (impossible) interpolation');
  });
});
