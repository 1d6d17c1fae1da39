// Reads one file and decides whether it is analysed: Helm templates are skipped (their
// `{{ }}` is not YAML yet), and files found by walking a folder are checked only when they
// look like Kubernetes manifests, so a package.json or a CI workflow is never reported.
import * as fs from 'node:fs';
import { helmSkipReason, looksLikeKubernetesManifest } from '../core/manifest';
import { describeFileError } from './fileErrors';
import type { ManifestFile } from './manifestFiles';

export type ManifestSource =
  | { readonly kind: 'manifest'; readonly file: ManifestFile; readonly text: string; readonly bytes: Buffer }
  | { readonly kind: 'skipped'; readonly file: ManifestFile; readonly reason: string }
  | { readonly kind: 'ignored'; readonly file: ManifestFile }
  | { readonly kind: 'unreadable'; readonly file: ManifestFile; readonly reason: string };

export function readManifestFile(file: ManifestFile): ManifestSource {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file.path);
  } catch (error) {
    return { kind: 'unreadable', file, reason: describeFileError(error) };
  }
  const text = bytes.toString('utf8');
  const helm = helmSkipReason(text, file.path, fs.existsSync);
  if (helm !== undefined) return { kind: 'skipped', file, reason: helm };
  if (!file.explicit && !looksLikeKubernetesManifest(text)) return { kind: 'ignored', file };
  return { kind: 'manifest', file, text, bytes };
}
