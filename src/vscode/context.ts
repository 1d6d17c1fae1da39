import * as vscode from 'vscode';
import { Config } from './config';
import { ContextKeys } from './contextKeys';
import { Output } from './output';

/**
 * A list of disposables disposed together, last registered first (so a provider goes before
 * the collection or emitter it uses). One error in a `dispose()` must not leak the rest.
 */
export class DisposableScope implements vscode.Disposable {
  private disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Registers a disposable and returns it, so creation and ownership read as one line. */
  push<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) {
      // A late registration (e.g. after an await that outlived the scope) is released at once.
      disposable.dispose();
    } else {
      this.disposables.push(disposable);
    }
    return disposable;
  }

  dispose(): void {
    this.disposed = true;
    const disposables = this.disposables;
    this.disposables = [];
    for (const disposable of disposables.reverse()) {
      try {
        disposable.dispose();
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/**
 * The extension's running state: owns every disposable it creates and hands out the shared
 * services (settings, output, context keys). Resources that live shorter than the extension
 * (per cluster, per connection) go into a `createScope()` of their own.
 */
export class Ctx implements vscode.Disposable {
  readonly output: Output;
  readonly config: Config;
  readonly contextKeys = new ContextKeys();
  private readonly root: DisposableScope;

  constructor(readonly extension: vscode.ExtensionContext) {
    // The output channel is created first and disposed last, so disposal errors can be logged.
    this.output = new Output();
    this.root = new DisposableScope((error) => this.output.error('Kube Sandbox: a resource failed to release.', error));
    this.config = this.push(new Config());
    extension.subscriptions.push(this);
  }

  get extensionUri(): vscode.Uri {
    return this.extension.extensionUri;
  }

  /** Commands that contact clusters or nodes refuse to run while this is false. */
  get isTrusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  push<T extends vscode.Disposable>(disposable: T): T {
    return this.root.push(disposable);
  }

  /** A child scope: dispose it early to release its resources, or let the extension's end do it. */
  createScope(): DisposableScope {
    const scope = new DisposableScope((error) => this.output.error('Kube Sandbox: a resource failed to release.', error));
    return this.push(scope);
  }

  dispose(): void {
    this.root.dispose();
    this.output.dispose();
  }
}
