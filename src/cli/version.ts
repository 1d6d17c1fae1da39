// The CLI's identity in `--version` and SARIF. A unit test keeps TOOL_VERSION equal to
// package.json's version, so the bundle needs no build-time injection.
export const TOOL_NAME = 'kube-sandbox';
export const TOOL_VERSION = '0.1.0';
// The extension's Marketplace page (publisher.name from package.json) documents the rules.
export const TOOL_INFORMATION_URI = 'https://marketplace.visualstudio.com/items?itemName=kube-sandbox.kube-sandbox';
