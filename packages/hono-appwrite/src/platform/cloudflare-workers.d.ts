// What the Durable Object store uses of `cloudflare:workers` (Workers projects have the full types).
declare module 'cloudflare:workers' {
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
  }
}
