// Assertions the kube adapter tests share.
import assert from 'node:assert/strict';
import { KubeError } from '../../src/adapters/kube/kubeErrors';

/** The KubeError a call fails with; fails the test if it succeeds or fails otherwise. */
export async function kubeError(promise: Promise<unknown>): Promise<KubeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KubeError, `expected a KubeError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
