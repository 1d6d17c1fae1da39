// The verdict on outputs captured from real runs (test/fixtures/verify/README.md says how).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { sandboxVerdict, type CommandOutput } from '../../../src/core/cluster/sandboxVerdict';

/** test/fixtures/verify, found upwards from here (source or compiled) or from the working folder. */
function fixturesDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'verify');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.join(process.cwd(), 'test', 'fixtures', 'verify');
  }
}

function fixture(name: string): string {
  return fs.readFileSync(path.join(fixturesDir(), name), 'utf8');
}

const ok = (stdout: string): CommandOutput => ({ stdout, stderr: '', exitCode: 0 });
const hostKernel = (): string => fixture('host-uname-r.stdout').trim();

void test('runsc do: gVisor boot log and a kernel other than the node\'s → sandboxed by gVisor', () => {
  const v = sandboxVerdict({
    nodeKernel: hostKernel(),
    uname: ok(fixture('runsc-do-uname-r.stdout')),
    dmesg: ok(fixture('runsc-do-dmesg.stdout')),
  });
  assert.equal(v.verdict, 'gvisor');
  const guest = fixture('runsc-do-uname-r.stdout').trim();
  assert.notEqual(guest, hostKernel());
  assert.match(v.summary, /^Sandboxed by gVisor/);
  assert.ok(v.summary.includes(guest) && v.summary.includes(hostKernel()));
  assert.ok(v.evidence.some((l) => l.startsWith('dmesg: ') && l.includes('Starting gVisor')));
  assert.ok(v.evidence.includes(`Container kernel (uname -r): ${guest}`));
  assert.ok(v.evidence.includes(`Node kernel (status.nodeInfo.kernelVersion): ${hostKernel()}`));
});

void test('a newer gVisor kernel string is recognised the same way (nothing hard-coded)', () => {
  const v = sandboxVerdict({ nodeKernel: '6.1.0-18-amd64', uname: ok('4.19.0-gvisor\n'), dmesg: ok(fixture('runsc-do-dmesg.stdout')) });
  assert.equal(v.verdict, 'gvisor');
  assert.match(v.summary, /4\.19\.0-gvisor/);
});

void test('runc with dmesg refused (no CAP_SYSLOG): the kernel comparison alone says not sandboxed', () => {
  const dmesg: CommandOutput = { stdout: fixture('runc-dmesg.stdout'), stderr: fixture('runc-dmesg.stderr'), exitCode: 1 };
  const v = sandboxVerdict({ nodeKernel: hostKernel(), uname: ok(fixture('runc-uname-r.stdout')), dmesg });
  assert.equal(v.verdict, 'none');
  assert.match(v.summary, /^Not sandboxed: the container shares the node's kernel/);
  assert.ok(v.evidence.some((l) => l.includes('dmesg failed (exit 1): dmesg: klogctl: Operation not permitted')));
});

void test('a container that may read the host kernel log: the log names the node\'s kernel', () => {
  const v = sandboxVerdict({ nodeKernel: hostKernel(), uname: ok(fixture('runc-uname-r.stdout')), dmesg: ok(fixture('host-dmesg-head.stdout')) });
  assert.equal(v.verdict, 'none');
  assert.ok(v.evidence.includes(`dmesg: the kernel log is Linux ${hostKernel()}'s, not gVisor's.`));
});

void test('a different kernel without gVisor\'s boot log → VM sandbox (Kata)', () => {
  const guestLog = '[    0.000000] Linux version 6.1.62 (kata@build) (gcc) #1 SMP\n[    0.000000] Command line: tsc=reliable\n';
  const v = sandboxVerdict({ nodeKernel: hostKernel(), uname: ok('6.1.62\n'), dmesg: ok(guestLog) });
  assert.equal(v.verdict, 'vm');
  assert.match(v.summary, /^Sandboxed \(VM kernel\)/);
  assert.ok(v.evidence.includes("dmesg: the kernel log is Linux 6.1.62's, not gVisor's."));
  // dmesg refused inside the VM: the kernels still differ.
  assert.equal(sandboxVerdict({ nodeKernel: hostKernel(), uname: ok('6.1.62'), dmesg: { stdout: '', stderr: 'denied', exitCode: 1 } }).verdict, 'vm');
});

void test('gVisor\'s boot log is enough when uname is missing from the image', () => {
  const v = sandboxVerdict({
    nodeKernel: hostKernel(),
    uname: { stdout: '', stderr: 'exec: "uname": executable file not found in $PATH', exitCode: 126 },
    dmesg: ok(fixture('runsc-do-dmesg.stdout')),
  });
  assert.equal(v.verdict, 'gvisor');
  assert.ok(v.evidence.some((l) => l.startsWith('Container kernel unknown: uname -r failed (exit 126): exec: "uname"')));
});

void test('no kernel from the container and no gVisor log: cannot tell, and says why', () => {
  const v = sandboxVerdict({ nodeKernel: hostKernel(), uname: undefined, dmesg: undefined });
  assert.equal(v.verdict, 'unknown');
  assert.match(v.summary, /did not report its kernel/);
  assert.ok(v.evidence.includes('Container kernel unknown: uname -r could not be run in the container.'));
  const noNode = sandboxVerdict({ nodeKernel: '', uname: ok('6.1.0'), dmesg: undefined });
  assert.equal(noNode.verdict, 'unknown');
  assert.match(noNode.summary, /node does not report its kernel/);
});

void test('gVisor log with the node\'s own kernel is contradictory: unknown', () => {
  const v = sandboxVerdict({ nodeKernel: '4.4.0', uname: ok('4.4.0'), dmesg: ok(fixture('runsc-do-dmesg.stdout')) });
  assert.equal(v.verdict, 'unknown');
});

void test('whitespace and CRLF around the outputs do not matter', () => {
  const v = sandboxVerdict({ nodeKernel: ` ${hostKernel()} `, uname: ok(`\r\n${hostKernel()}\r\n`), dmesg: undefined });
  assert.equal(v.verdict, 'none');
});
