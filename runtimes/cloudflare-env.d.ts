// The one binding the Cloudflare entry reads: the environment, validated by parseConfig.
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}
