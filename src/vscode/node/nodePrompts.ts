// The questions a node connection may ask, in VS Code: an unknown host key (a modal with its
// SHA256 fingerprint, Accept or Cancel), an identity file's passphrase, and the login or sudo
// password (hidden input). A password is kept in VS Code's SecretStorage only when the user
// ticks "Remember for this node" in the input box, and only once it has worked; a remembered
// password that is refused is forgotten. Questions for many nodes come one at a time.
import * as vscode from 'vscode';
import type { SshConnectHooks, UnknownHostKey } from '../../adapters/ssh';
import type { Output } from '../output';
import type { ResolvedNode } from './nodeConnection';

export type HostKeyPolicy = 'ask' | 'reject';
type Purpose = 'login' | 'sudo';

export class NodePrompts {
  private queue: Promise<unknown> = Promise.resolve();
  /** Passwords typed with "Remember" ticked, stored once they have worked (commit). */
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly output: Output,
    private readonly hostKeys: HostKeyPolicy,
  ) {}

  hooks(node: ResolvedNode, signal: AbortSignal): SshConnectHooks {
    return {
      signal,
      onProgress: (message) => this.output.info(`[${node.title}] ${message}`),
      verifyHost: (key) => this.one(() => this.askHostKey(node, key)),
      askPassphrase: (file) => this.one(() => askHidden({
        title: `SSH key passphrase for ${node.title}`,
        prompt: `Passphrase of ${file} (not stored; an ssh-agent keeps it for you)`,
        remember: false,
      }).then((a) => a?.value)),
      askPassword: ({ user, host, purpose }) => this.password(node, purpose, `${user}@${host}:${node.ssh.port ?? 22}`),
    };
  }

  /** The node's connection and sudo worked: store the passwords the user asked to remember. */
  async commit(node: ResolvedNode): Promise<void> {
    for (const purpose of ['login', 'sudo'] as const) {
      const key = secretKey(node, purpose);
      const value = this.pending.get(key);
      if (value === undefined) continue;
      this.pending.delete(key);
      await this.secrets.store(key, value);
      this.output.info(`[${node.title}] The ${purpose} password is remembered in VS Code's secret storage.`);
    }
  }

  /** A password was refused: forget what was remembered for it. */
  async forget(node: ResolvedNode, purpose: Purpose): Promise<void> {
    const key = secretKey(node, purpose);
    this.pending.delete(key);
    if ((await this.secrets.get(key)) !== undefined) {
      await this.secrets.delete(key);
      this.output.warn(`[${node.title}] The remembered ${purpose} password was refused and has been forgotten.`);
    }
  }

  private async password(node: ResolvedNode, purpose: Purpose, where: string): Promise<string | undefined> {
    const key = secretKey(node, purpose);
    const stored = await this.secrets.get(key);
    if (stored !== undefined) return stored;
    const answer = await this.one(() => askHidden({
      title: purpose === 'login' ? `SSH password for ${where}` : `sudo password on ${node.title}`,
      prompt: purpose === 'login'
        ? `No key was accepted for ${where}. Its password (Escape to stop):`
        : `${node.ssh.user} is not root: sudo asks for ${node.ssh.user}'s password on ${node.title} (Escape to stop):`,
      remember: true,
    }));
    if (answer?.remember) this.pending.set(key, answer.value);
    return answer?.value;
  }

  private async askHostKey(node: ResolvedNode, key: UnknownHostKey): Promise<boolean> {
    if (this.hostKeys === 'reject') {
      this.output.warn(`[${node.title}] Unknown host key ${key.keyType} ${key.fingerprint} for ${key.host}:${key.port}: refused without asking.`);
      return false;
    }
    const short = key.keyType.startsWith('ecdsa') ? 'ecdsa' : key.keyType.replace(/^ssh-/, '');
    const other = key.otherKnownTypes.length > 0
      ? `\n\n${key.knownHostsFile} already holds a key of another type (${key.otherKnownTypes.join(', ')}) for this host: be sure this one is the node's.`
      : '';
    const choice = await vscode.window.showWarningMessage(
      `${node.title} (${key.host}:${key.port}) is not a known SSH host. Trust its host key?`,
      {
        modal: true,
        detail: `${key.keyType} key fingerprint:\n${key.fingerprint}\n\n` +
          `Compare it with the node's own (on the node: ssh-keygen -lf /etc/ssh/ssh_host_${short}_key.pub). ` +
          `Accept adds the key to ${key.knownHostsFile}. Nothing has been sent to the node yet.${other}`,
      },
      'Accept',
    );
    return choice === 'Accept';
  }

  /** Runs prompts one after another: two modals for two nodes would hide each other. */
  private one<T>(ask: () => Promise<T>): Promise<T> {
    const next = this.queue.then(ask, ask);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function secretKey(node: ResolvedNode, purpose: Purpose): string {
  return `kubeSandbox.${purpose}Password:${node.ssh.user}@${node.ssh.host}:${node.ssh.port ?? 22}`;
}

/** A hidden input box; with `remember`, a toggle button "Remember for this node". */
function askHidden(o: { title: string; prompt: string; remember: boolean }): Promise<{ value: string; remember: boolean } | undefined> {
  const box = vscode.window.createInputBox();
  box.title = o.title;
  box.prompt = o.prompt;
  box.password = true;
  box.ignoreFocusOut = true;
  let remember = false;
  const button = (): vscode.QuickInputButton => ({
    iconPath: new vscode.ThemeIcon(remember ? 'pass-filled' : 'circle-large-outline'),
    tooltip: remember ? 'Will be remembered for this node in VS Code\'s secret storage (click to not remember)' : 'Remember for this node (VS Code\'s secret storage)',
  });
  if (o.remember) box.buttons = [button()];
  return new Promise((resolve) => {
    let answered = false;
    box.onDidTriggerButton(() => {
      remember = !remember;
      box.buttons = [button()];
      box.prompt = remember ? `${o.prompt.replace(/:$/, '.')} It will be remembered for this node.` : o.prompt;
    });
    box.onDidAccept(() => {
      answered = true;
      resolve({ value: box.value, remember });
      box.hide();
    });
    box.onDidHide(() => {
      if (!answered) resolve(undefined);
      box.dispose();
    });
    box.show();
  });
}
