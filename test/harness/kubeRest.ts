// A minimal REST client for test setup (creating nodes, patching their status, RBAC objects),
// kept apart from src/adapters/kube so the adapter is never used to prepare its own tests.
import * as https from 'node:https';

export interface KubeRestResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export interface KubeRestOptions {
  readonly token: string;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export function kubeRequest(
  server: string,
  method: string,
  path: string,
  body: unknown,
  options: KubeRestOptions,
): Promise<KubeRestResponse> {
  const url = new URL(path, server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        // The apiserver serves a self-signed certificate it made itself; setup does not verify it.
        rejectUnauthorized: false,
        timeout: options.timeoutMs ?? 10_000,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (/readyz answers "ok")
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like kubeRequest, but any status outside 2xx (other than those allowed) is an error. */
export async function kubeRequestOk(
  server: string,
  method: string,
  path: string,
  body: unknown,
  options: KubeRestOptions & { readonly allow?: readonly number[] },
): Promise<KubeRestResponse> {
  const res = await kubeRequest(server, method, path, body, options);
  if ((res.status < 200 || res.status > 299) && !(options.allow ?? []).includes(res.status)) {
    throw new Error(`${method} ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
  }
  return res;
}
