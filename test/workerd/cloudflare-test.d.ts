// What the workerd suite uses of `cloudflare:workers` inside the test pool: the main worker's fetch.
declare module 'cloudflare:workers' {
  export const exports: { default: { fetch(request: Request): Promise<Response> } };
}
