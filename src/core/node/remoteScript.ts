// The calls the installer makes to the node script (nodeScript.ts), as argument vectors:
// `sh <script> <subcommand> <arg>...`. RemoteHost.exec quotes every element, so a path or a
// version from the user reaches the script as one literal argument, never as shell syntax.
// "-" stands for "none" in every optional position.

export type ScriptCall =
  | {
      readonly sub: 'detect';
      /** Where to look for runsc and the shim before PATH. */
      readonly hintDir: string;
      /** Probe this platform with the runsc found (undefined: no probe). */
      readonly probePlatform?: string;
      /** Files to report (SHA-256 and bytes), by name. */
      readonly files: Readonly<Record<string, string>>;
    }
  | { readonly sub: 'install-release'; readonly binDir: string; readonly tarballUrl?: string; readonly filesUrl?: string; readonly knownSha512?: string }
  | { readonly sub: 'install-files'; readonly binDir: string; readonly stageDir: string }
  | { readonly sub: 'install-package'; readonly how: 'apt' | 'distro'; readonly channel: string }
  | {
      readonly sub: 'write-file';
      readonly target: string;
      readonly source: string;
      /** SHA-256 of the file the plan saw, or 'absent'. */
      readonly expectSha256: string;
      readonly mode: number;
      readonly backup?: string;
      /** A containerd binary that must load the candidate (`config dump`). */
      readonly checkWith?: string;
      /** The runtime the dump must list. */
      readonly runtime?: string;
    }
  | { readonly sub: 'remove'; readonly path: string; readonly expectSha256?: string }
  | { readonly sub: 'remove-dir'; readonly path: string }
  | { readonly sub: 'remove-package'; readonly name: string }
  | { readonly sub: 'restart'; readonly service: string; readonly init: string }
  | { readonly sub: 'health'; readonly kind: 'containerd' | 'crio'; readonly socket: string; readonly seconds: number }
  | {
      readonly sub: 'verify';
      readonly runsc: string;
      readonly platform: string;
      readonly containerdBin?: string;
      readonly config?: string;
      readonly runtime: string;
    }
  | { readonly sub: 'container'; readonly socket: string; readonly runtimeType: string }
  | { readonly sub: 'dump'; readonly containerdBin: string; readonly config: string };

const opt = (v: string | undefined): string => (v === undefined || v === '' ? '-' : v);

/** Names in `detect` output keys: letters, digits and underscores only. */
const FILE_NAME = /^[a-z][a-z0-9_]*$/;

/** The argument vector that runs `call` with the script at `scriptPath`. */
export function scriptArgv(scriptPath: string, call: ScriptCall): string[] {
  const args = ((): string[] => {
    switch (call.sub) {
      case 'detect': {
        const files = Object.entries(call.files).flatMap(([name, path]) => {
          if (!FILE_NAME.test(name)) throw new Error(`Invalid detect file name "${name}".`);
          return [name, path];
        });
        return [call.hintDir, opt(call.probePlatform), ...files];
      }
      case 'install-release':
        return [call.binDir, opt(call.tarballUrl), opt(call.filesUrl), opt(call.knownSha512)];
      case 'install-files':
        return [call.binDir, call.stageDir];
      case 'install-package':
        return [call.how, call.channel];
      case 'write-file':
        return [call.target, call.source, call.expectSha256, call.mode.toString(8).padStart(4, '0'), opt(call.backup), opt(call.checkWith), opt(call.runtime)];
      case 'remove':
        return [call.path, opt(call.expectSha256)];
      case 'remove-dir':
        return [call.path];
      case 'remove-package':
        return [call.name];
      case 'restart':
        return [call.service, call.init];
      case 'health':
        return [call.kind, call.socket, String(Math.max(1, Math.round(call.seconds)))];
      case 'verify':
        return [call.runsc, call.platform, opt(call.containerdBin), opt(call.config), call.runtime];
      case 'container':
        return [call.socket, call.runtimeType];
      case 'dump':
        return [call.containerdBin, call.config];
    }
  })();
  for (const a of args) {
    // An empty argument would shift the script's positional parameters' meaning.
    if (a === '') throw new Error(`Empty argument in the ${call.sub} call.`);
  }
  return ['sh', scriptPath, call.sub, ...args];
}
