// What the Cloudflare entry uses of `cloudflare:workers`: the environment (validated by
// parseConfig) and the Durable Object base class of the rate-limit counter.
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
  export abstract class DurableObject {
    protected readonly ctx: {
      storage: {
        get<T>(key: string): Promise<T | undefined>;
        put(key: string, value: unknown): Promise<void>;
        setAlarm(scheduledTime: number): Promise<void>;
        deleteAll(): Promise<void>;
      };
    };
    constructor(ctx: unknown, env: unknown);
    alarm?(): Promise<void>;
  }
}
