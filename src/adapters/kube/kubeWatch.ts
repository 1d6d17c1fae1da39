// Keeps a set of API objects current, as client-go's reflector does: list, then watch from the
// list's resourceVersion; reconnect with backoff when the connection fails; list again when the
// server has forgotten that version (410 Gone), turning the difference into add/update/delete.
//
// The watch stream is a plain https request rather than client-node's Watch, because that one
// awaits the response before handing back its AbortController (a frozen server could never be
// left) and drops the error body (a 403 would not say what RBAC refused).
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectMeta } from '../../core/cluster/kubeObjects';
import { runCall, type CallAuth, type CallOptions } from './kubeCall';
import { KubeError, toKubeError } from './kubeErrors';

export type WatchEventType = 'add' | 'update' | 'delete';

export interface WatchEvent<T> {
  readonly type: WatchEventType;
  /** For a delete, the object's last known state. */
  readonly object: T;
}

export interface WatchListener<T> {
  /** Changes in order. A list (the first one, or a relist) arrives as one batch. */
  onEvents(events: readonly WatchEvent<T>[]): void;
  /** After each complete list: the watch's items now mirror the server. */
  onSynced?(): void;
  /** The list or the connection failed; the watch tries again after `retryInMs`. */
  onError?(error: KubeError, retryInMs: number): void;
  /** After onError: the watch is connected again (a relist, if one is needed, ends in onSynced). */
  onRecovered?(): void;
}

export interface WatchOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Deadline for each list page and for each connection to answer (default 10 s). */
  readonly timeoutMs?: number;
  readonly pageSize?: number;
  /** First and longest wait between failed attempts (defaults 500 ms and 30 s). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** The server ends each watch after this long and it is opened again (default 300 s). */
  readonly serverTimeoutSeconds?: number;
}

export interface KubeWatch<T> {
  /** The objects as last seen. */
  items(): T[];
  /** Whether a list has completed (the items are a full picture). */
  readonly synced: boolean;
  /** Stops listing and watching and closes the connection; no callback runs afterwards. */
  dispose(): void;
}

export interface ListSnapshot<T> {
  readonly items: T[];
  readonly resourceVersion: string;
}

/** What to watch: the collection path and how to list it (paged, through KubeApi's lister). */
export interface WatchTarget<T> {
  readonly resource: string;
  /** e.g. `/api/v1/nodes`, `/api/v1/namespaces/default/pods`. */
  readonly path: string;
  list(options: CallOptions & { pageSize?: number; labelSelector?: string; fieldSelector?: string }): Promise<ListSnapshot<T>>;
}

/** Who is watching where, for messages; `auth` obtains exec-plugin credentials per connection. */
export interface WatchContext {
  readonly server: string;
  readonly user: string;
  readonly auth?: CallAuth | undefined;
}

interface RawEvent {
  readonly type?: string;
  readonly object?: { readonly metadata?: ObjectMeta; readonly code?: number; readonly message?: string };
}

const keyOf = (meta: ObjectMeta | undefined): string => `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;

class Watcher<T extends { readonly metadata?: ObjectMeta }> implements KubeWatch<T> {
  private readonly store = new Map<string, T>();
  private readonly stop = new AbortController();
  private resourceVersion: string | undefined;
  private disposed = false;
  synced = false;

  constructor(
    private readonly kc: KubeConfig,
    private readonly ctx: WatchContext,
    private readonly target: WatchTarget<T>,
    private readonly listener: WatchListener<T>,
    private readonly options: WatchOptions,
  ) {}

  items(): T[] {
    return [...this.store.values()];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stop.abort();
  }

  private emit(events: WatchEvent<T>[]): void {
    if (events.length === 0 || this.disposed) return;
    try {
      this.listener.onEvents(events);
    } catch (err) {
      // A listener's bug must not stop the watch; it surfaces as an uncaught error, as it would
      // from an EventEmitter.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  async run(): Promise<void> {
    const initial = this.options.backoff?.initialMs ?? 500;
    const max = this.options.backoff?.maxMs ?? 30_000;
    let wait = initial;
    // After a failure the listener hears onRecovered once the watch is back, so a view can drop
    // its "showing what was last seen" note.
    let failed = false;
    while (!this.disposed) {
      const started = Date.now();
      try {
        if (this.resourceVersion === undefined) await this.relist();
        await this.watchOnce(() => {
          wait = initial;
          if (failed) {
            failed = false;
            this.listener.onRecovered?.();
          }
        });
        // The server closed the watch (its timeout): open it again at once, unless that keeps
        // happening at once.
        if (Date.now() - started > 1000) continue;
      } catch (err) {
        if (this.disposed) return;
        const { server, user } = this.ctx;
        const error = err instanceof KubeError ? err : toKubeError(err, { server, user, verb: 'watch', resource: this.target.resource, timeoutMs: this.timeoutMs });
        if (error.status === 410) {
          this.resourceVersion = undefined;
          continue;
        }
        failed = true;
        const retryIn = Math.round(wait * (0.8 + Math.random() * 0.4));
        try {
          this.listener.onError?.(error, retryIn);
        } catch {
          // see emit()
        }
        await this.sleep(retryIn);
        wait = Math.min(wait * 2, max);
        continue;
      }
      await this.sleep(wait);
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.disposed) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.stop.signal.addEventListener('abort', done, { once: true });
    });
  }

  private async relist(): Promise<void> {
    const { labelSelector, fieldSelector, pageSize } = this.options;
    const snapshot = await this.target.list({
      signal: this.stop.signal,
      timeoutMs: this.timeoutMs,
      ...(pageSize ? { pageSize } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    });
    if (this.disposed) return;
    const events: WatchEvent<T>[] = [];
    const seen = new Set<string>();
    for (const item of snapshot.items) {
      const key = keyOf(item.metadata);
      seen.add(key);
      const old = this.store.get(key);
      if (!old) events.push({ type: 'add', object: item });
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) events.push({ type: 'update', object: item });
      this.store.set(key, item);
    }
    for (const [key, old] of this.store) {
      if (!seen.has(key)) {
        this.store.delete(key);
        events.push({ type: 'delete', object: old });
      }
    }
    this.resourceVersion = snapshot.resourceVersion;
    this.emit(events);
    this.synced = true;
    this.listener.onSynced?.();
  }

  private url(): URL {
    const o = this.options;
    const url = new URL(this.ctx.server.replace(/\/+$/, '') + this.target.path);
    url.searchParams.set('watch', 'true');
    url.searchParams.set('allowWatchBookmarks', 'true');
    url.searchParams.set('resourceVersion', this.resourceVersion ?? '');
    url.searchParams.set('timeoutSeconds', String(o.serverTimeoutSeconds ?? 300));
    if (o.labelSelector) url.searchParams.set('labelSelector', o.labelSelector);
    if (o.fieldSelector) url.searchParams.set('fieldSelector', o.fieldSelector);
    return url;
  }

  /** One watch connection, until the server ends it (resolves) or it fails (rejects). */
  private async watchOnce(onConnected: () => void): Promise<void> {
    const ctx = { ...this.ctx, verb: 'watch', resource: this.target.resource };
    const response = await runCall(ctx, { signal: this.stop.signal, timeoutMs: this.timeoutMs }, (signal) => this.connect(signal));
    onConnected();
    const idleMs = ((this.options.serverTimeoutSeconds ?? 300) + 30) * 1000;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      let idle = setTimeout(onIdle, idleMs);
      function onIdle(): void {
        // A server that stopped answering keeps the socket open: give up on it.
        response.destroy(new KubeError('timeout', `The watch on ${ctx.resource} at ${ctx.server} went quiet; reconnecting.`));
      }
      const onAbort = (): void => {
        response.destroy();
      };
      this.stop.signal.addEventListener('abort', onAbort, { once: true });
      const finish = (err?: Error): void => {
        clearTimeout(idle);
        this.stop.signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        clearTimeout(idle);
        idle = setTimeout(onIdle, idleMs);
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        try {
          this.emit(this.apply(lines));
        } catch (err) {
          response.destroy();
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      });
      response.on('end', () => finish());
      response.on('error', (err) => finish(this.disposed ? undefined : err));
      response.on('close', () => finish(response.complete || this.disposed ? undefined : new KubeError('unreachable', `The watch connection to ${ctx.server} was closed.`)));
    });
  }

  /** Applies raw event lines to the store; throws a 410 (or other) error the stream carried. */
  private apply(lines: readonly string[]): WatchEvent<T>[] {
    const events: WatchEvent<T>[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      const raw = JSON.parse(line) as RawEvent;
      const object = raw.object;
      if (raw.type === 'ERROR') {
        throw Object.assign(new Error(object?.message ?? 'watch error'), { code: object?.code ?? 500, body: object });
      }
      const rv = object?.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      if (raw.type === 'BOOKMARK' || !object) continue;
      const item = object as T;
      const key = keyOf(item.metadata);
      if (raw.type === 'DELETED') {
        this.store.delete(key);
        events.push({ type: 'delete', object: item });
      } else if (raw.type === 'ADDED' || raw.type === 'MODIFIED') {
        events.push({ type: this.store.has(key) ? 'update' : 'add', object: item });
        this.store.set(key, item);
      }
    }
    return events;
  }

  /** Opens the stream; a status other than 200 becomes an error carrying the server's Status. */
  private async connect(signal: AbortSignal): Promise<http.IncomingMessage> {
    const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.kc.applyToHTTPSOptions(options);
    const url = this.url();
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = transport.request(url, { ...options, signal: AbortSignal.any([signal, this.stop.signal]) }, (res) => {
        if (res.statusCode === 200) {
          res.socket.setKeepAlive(true, 30_000);
          resolve(res);
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 65_536) body += chunk;
        });
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { code: res.statusCode, body })));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** Starts listing and watching `target`; events go to `listener` until `dispose()`. */
export function startWatch<T extends { readonly metadata?: ObjectMeta }>(
  kc: KubeConfig,
  ctx: WatchContext,
  target: WatchTarget<T>,
  listener: WatchListener<T>,
  options: WatchOptions = {},
): KubeWatch<T> {
  const watcher = new Watcher(kc, ctx, target, listener, options);
  void watcher.run();
  return watcher;
}
