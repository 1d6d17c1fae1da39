// A cheap test for "is this a Kubernetes manifest?", so the editor leaves other YAML and JSON
// (CI pipelines, package.json, compose files) alone.

const API_VERSION = /(?:^|[\s{,])["']?apiVersion["']?[ \t]*:/m;
const KIND = /(?:^|[\s{,])["']?kind["']?[ \t]*:/m;

export function looksLikeKubernetesManifest(text: string): boolean {
  return API_VERSION.test(text) && KIND.test(text);
}
