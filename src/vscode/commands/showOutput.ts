import type { CommandDeps } from './index';

/** Opens the Kube Sandbox output channel, where every command logs what it did. */
export function showOutput({ ctx }: CommandDeps) {
  return (): void => ctx.output.show(false);
}
