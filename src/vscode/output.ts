import * as vscode from 'vscode';

/**
 * The extension's one output channel. A log channel (rather than a plain one) gives every
 * line a timestamp and level, and lets the user filter by level in the Output view.
 */
export class Output implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Kube Sandbox', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  /** Logs the message and, when given, the error's stack (or its text) on the next lines. */
  error(message: string, error?: unknown): void {
    if (error === undefined) {
      this.channel.error(message);
    } else {
      this.channel.error(`${message}\n${errorDetail(error)}`);
    }
  }

  show(preserveFocus = true): void {
    this.channel.show(preserveFocus);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** The one-line text of a thrown value, for messages shown to the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

function errorDetail(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return errorMessage(error);
}
