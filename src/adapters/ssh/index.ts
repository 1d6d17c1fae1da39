// The SSH adapter's public surface.
export * from './remoteHost';
export { SshRemoteHost } from './sshRemoteHost';
export type { SshConnectOptions, SshConnectHooks } from './connect';
export type { UnknownHostKey } from './hostKeys';
export { shQuote, shCommand } from './shellQuote';
