import * as vscode from 'vscode';

/**
 * Where each rule is explained: the README section named after the rule code. With a GitHub
 * repository in package.json the link opens the rendered README there; without one, the
 * README shipped inside the extension.
 */
export function ruleDocsLinker(extension: vscode.ExtensionContext): (code: string) => vscode.Uri {
  const repository = repositoryUrl(extension.extension.packageJSON as unknown);
  if (repository) return (code) => vscode.Uri.parse(`${repository}/blob/HEAD/README.md#${code}`);
  const readme = vscode.Uri.joinPath(extension.extensionUri, 'README.md');
  return (code) => readme.with({ fragment: code });
}

function repositoryUrl(packageJson: unknown): string | undefined {
  if (typeof packageJson !== 'object' || packageJson === null) return undefined;
  const repository = (packageJson as { repository?: unknown }).repository;
  const url = typeof repository === 'string' ? repository : (repository as { url?: unknown } | undefined)?.url;
  if (typeof url !== 'string') return undefined;
  const match = /^(?:git\+)?(https:\/\/github\.com\/[^/]+\/[^/#]+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1];
}
