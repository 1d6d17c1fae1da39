// @kubernetes/client-node takes about 100 ms to load even bundled: it is loaded on the first
// cluster call, not when the extension activates for a YAML file (types are imported as types).
import type * as ClientNodeParts from './clientNodeParts';

let loaded: typeof ClientNodeParts | undefined;

export function clientNode(): typeof ClientNodeParts {
  // A require at the call site: esbuild bundles it and runs the module's code only now.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./clientNodeParts') as typeof ClientNodeParts;
  return loaded;
}
