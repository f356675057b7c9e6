// What the Cloudflare entry uses of `cloudflare:workers`: the environment, validated by parseConfig.
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}
