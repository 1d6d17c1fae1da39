// The manifest core's public surface: everything outside src/core/manifest imports from here.
export * from './types';
export { analysisOptionsKey, analyzeManifest, ManifestAnalyzer } from './analyzer';
export { runtimeClassEdit, exemptionEdit, sandboxAllEdits, applyEdits } from './edits';
export { isSandboxClass, isValidRuntimeClassName } from './sandboxClasses';
export { helmSkipReason } from './helm';
export { looksLikeKubernetesManifest } from './detect';
export { LineIndex } from './lineIndex';
