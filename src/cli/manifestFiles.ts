// Turns PATH arguments into the list of manifest files to check: files as given, folders
// walked for *.yaml, *.yml and *.json. The order is sorted, so reports are the same on
// every machine and every run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareStrings } from '../core/report/reportFinding';
import { describeFileError } from './fileErrors';

export interface ManifestFile {
  readonly path: string;
  /** Relative to the working directory, forward slashes: what reports print. */
  readonly displayPath: string;
  /** Named on the command line (checked whatever its extension or content). */
  readonly explicit: boolean;
}

export interface FileProblem {
  readonly displayPath: string;
  readonly reason: string;
}

const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i;

/** Folders never searched: dependencies, and dot-folders such as .git or .github. */
function isSkippedFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

export function findManifestFiles(
  args: readonly string[],
  cwd: string,
): { files: ManifestFile[]; problems: FileProblem[] } {
  const found = new Map<string, ManifestFile>();
  const problems: FileProblem[] = [];
  const display = (file: string) => displayPath(cwd, file);
  const add = (file: string, explicit: boolean) => {
    const existing = found.get(file);
    if (existing === undefined || (explicit && !existing.explicit)) found.set(file, { path: file, displayPath: display(file), explicit });
  };

  const walk = (folder: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      problems.push({ displayPath: display(folder), reason: describeFileError(error) });
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedFolder(entry.name)) walk(full);
      } else if (MANIFEST_EXTENSION.test(entry.name)) {
        if (entry.isFile()) {
          add(full, false);
        } else if (entry.isSymbolicLink()) {
          // Linked files are checked; linked folders are not followed (no loops, no walking out of the tree).
          try {
            if (fs.statSync(full).isFile()) add(full, false);
          } catch (error) {
            problems.push({ displayPath: display(full), reason: `broken symbolic link: ${describeFileError(error)}` });
          }
        }
      }
    }
  };

  for (const arg of args.length > 0 ? args : ['.']) {
    const full = path.resolve(cwd, arg);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (error) {
      problems.push({ displayPath: arg, reason: describeFileError(error) });
      continue;
    }
    if (stat.isDirectory()) walk(full);
    else add(full, true);
  }
  const files = [...found.values()].sort((a, b) => compareStrings(a.path, b.path));
  return { files, problems };
}

export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return (relative === '' ? '.' : relative).split(path.sep).join('/');
}
