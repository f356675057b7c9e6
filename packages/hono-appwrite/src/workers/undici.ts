// Stands in for `undici` where the platform has its own fetch: a Worker's wrangler.toml aliases
// `undici` to `hono-appwrite/workers/undici`. node-appwrite imports `Agent, FormData, File, fetch`
// from undici; undici's own fetch cannot reach HTTPS in workerd (its node:tls lacks ALPN), so this
// re-exports the platform's and drops the undici-only `dispatcher` option.

/** Platform fetch without undici's `dispatcher` option. */
export const fetch = (
  input: RequestInfo | URL,
  init?: RequestInit & { dispatcher?: unknown },
): Promise<Response> => {
  if (init && 'dispatcher' in init) {
    const { dispatcher: _dropped, ...rest } = init;
    return globalThis.fetch(input, rest);
  }
  return globalThis.fetch(input, init);
};

/** No-op: connection pooling belongs to the platform. Only constructed for `selfSigned`, never here. */
export class Agent {
  destroy(): void {}
}

export const FormData = globalThis.FormData;
export const File = globalThis.File;
