// Helm templates are not YAML until rendered; analysing them would only produce noise.

/**
 * Why a file is not analysed as a manifest, or undefined when it is. The core does no I/O:
 * callers pass `fileExists` to check for the chart's `Chart.yaml`.
 */
export function helmSkipReason(text: string, filePath?: string, fileExists?: (path: string) => boolean): string | undefined {
  if (text.includes('{{')) return 'Helm or Go template: it contains `{{ }}` expressions and is checked only once rendered';
  if (filePath === undefined || fileExists === undefined) return undefined;
  const parts = filePath.split(/[\\/]/);
  for (let i = parts.length - 2; i >= 1; i--) {
    if (parts[i] !== 'templates') continue;
    const chartDir = parts.slice(0, i).join('/') || '/';
    if (fileExists(`${chartDir}/Chart.yaml`)) return `Helm chart template (chart at ${chartDir}): it is checked only once rendered`;
  }
  return undefined;
}
