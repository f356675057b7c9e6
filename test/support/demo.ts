// The demo seed's identifiers (emulator/seed.ts), shared by suites that run in Node and in workerd.
export const PROJECT = 'demo';
export const API_KEY = 'demo-api-key';
export const DATABASE = '642f358bf4084c662590';
export const BIRTHDAYS = '642f3592aa5fc856ad1e';

/**
 * Limits for suites that sign in many times from 127.0.0.1: the limiter stays on (its store runs on
 * every request) but no budget runs out. Suites that test a limit set their own.
 */
export const ROOMY_RATE_LIMITS = {
  RATE_LIMIT_LOGIN: '10000/60',
  RATE_LIMIT_LOGIN_EMAIL: '10000/3600',
  RATE_LIMIT_SIGNUP: '10000/3600',
  RATE_LIMIT_GUEST: '10000/3600',
  RATE_LIMIT_OAUTH: '10000/3600',
  RATE_LIMIT_OAUTH_CALLBACK: '10000/3600',
  RATE_LIMIT_JWT: '10000/60',
} as const;

/** Requests the emulator at `origin` has served under `/v1` so far (its control API, API key). */
export const upstreamCalls = async (origin: string): Promise<number> => {
  const response = await fetch(`${origin}/_emulator/stats`, {
    headers: { 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY },
  });
  return ((await response.json()) as { requests: number }).requests;
};
