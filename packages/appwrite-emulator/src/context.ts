import { AdjustableClock, type Clock } from './clock.ts';
import { type PasswordHash, randomHex } from './crypto.ts';
import type { EmulatorState } from './model.ts';
import { RateLimiter } from './ratelimit.ts';
import { buildState, DEMO_SEED, type Seed } from './seed.ts';

/** Everything one emulator instance owns. Nothing lives at module scope, so instances are isolated. */
export interface EmulatorContext {
  state: EmulatorState;
  readonly clock: AdjustableClock;
  /** The HS256 key for JWTs, random per instance (Appwrite's `_APP_OPENSSL_KEY_V1`). */
  readonly jwtSecret: string;
  readonly rateLimiter: RateLimiter;
  rateLimitsEnabled: boolean;
  /** Restores the seed's state, clears rate-limit counters; the clock keeps its time. */
  reset(): Promise<void>;
}

export interface EmulatorOptions {
  /** The data to load; default: the demo project (`DEMO_SEED`). */
  seed?: Seed;
  /** Base time source; the emulator adds its own adjustable offset on top. Default: the wall clock. */
  clock?: Clock;
  /** Enforce Appwrite's rate limits (default true). Headers are sent either way. */
  rateLimits?: boolean;
  /**
   * The HS256 key JWTs are signed with (Appwrite's `_APP_OPENSSL_KEY_V1`); default a random one.
   * Set it to test a worker that verifies JWTs locally (`APPWRITE_JWT_KEY`).
   */
  jwtKey?: string;
}

/** Creates an emulator instance's state from a seed. */
export const createEmulatorContext = async (options: EmulatorOptions = {}): Promise<EmulatorContext> => {
  const seed = options.seed ?? DEMO_SEED;
  const clock = new AdjustableClock(options.clock);
  const rateLimiter = new RateLimiter(clock);
  const hashes = new Map<string, PasswordHash>();
  const context: EmulatorContext = {
    state: await buildState(seed, clock.now(), hashes),
    clock,
    jwtSecret: options.jwtKey ?? randomHex(32),
    rateLimiter,
    rateLimitsEnabled: options.rateLimits ?? true,
    async reset() {
      context.state = await buildState(seed, clock.now(), hashes);
      rateLimiter.clear();
    },
  };
  return context;
};
