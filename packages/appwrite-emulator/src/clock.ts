/** A source of the current time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that tests can move forward without sleeping. It follows `base` (the wall clock by
 * default) plus an offset, so time still passes normally between explicit jumps.
 */
export class AdjustableClock implements Clock {
  #offset = 0;
  readonly #base: Clock;

  constructor(base: Clock = systemClock) {
    this.#base = base;
  }

  now(): number {
    return this.#base.now() + this.#offset;
  }

  /** Moves the clock forward (or back, with a negative value) by `seconds`. */
  advance(seconds: number): void {
    this.#offset += seconds * 1000;
  }

  /** Jumps to an absolute time. */
  set(epochMs: number): void {
    this.#offset = epochMs - this.#base.now();
  }
}

/** Appwrite's datetime format, `Y-m-d\TH:i:s.vP`: `2026-12-04T17:36:59.123+00:00`. */
export const formatDate = (epochMs: number): string => new Date(epochMs).toISOString().replace('Z', '+00:00');

/** Appwrite renders a missing datetime as an empty string. */
export const formatOptionalDate = (epochMs: number | null): string =>
  epochMs === null ? '' : formatDate(epochMs);
