import {
  type AppwriteEmulator,
  type AppwriteEmulatorOptions,
  startAppwriteEmulator,
} from 'appwrite-emulator';
import { Account, AppwriteException, Client } from 'node-appwrite';
import { afterAll, beforeAll, beforeEach, expect, inject } from 'vitest';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT } from '../support/demo.ts';

/** Every SDK suite runs over plain HTTP and over HTTPS (real Appwrite is HTTPS). */
export const PROTOCOLS = ['http', 'https'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** A Chrome-on-Windows and a Chrome-Mobile-on-Android user agent, as Appwrite's own e2e tests use. */
export const DESKTOP_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36';
export const MOBILE_CHROME =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

/**
 * Starts one emulator per suite (HTTP or HTTPS signed by the run's test CA) and restores the seed
 * before every test, so tests never depend on each other's order.
 */
export const useEmulator = (protocol: Protocol, options: AppwriteEmulatorOptions = {}) => {
  let emulator: AppwriteEmulator | undefined;
  beforeAll(async () => {
    emulator = await startAppwriteEmulator({
      ...options,
      https: protocol === 'https' ? { ca: inject('testCa') } : false,
    });
  });
  beforeEach(async () => {
    await emulator?.reset();
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  const running = (): AppwriteEmulator => {
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
  const guest = () => new Client().setEndpoint(running().endpoint).setProject(PROJECT);
  const admin = () => guest().setKey(API_KEY);
  const withSession = (secret: string) => guest().setSession(secret);
  const withJwt = (jwt: string) => guest().setJWT(jwt);
  /** Logs `user-<letter>` in with the API key and returns the session (with its `secret`). */
  const login = (letter = 'a') =>
    new Account(admin()).createEmailPasswordSession({
      email: `user-${letter}@example.com`,
      password: `password-${letter}`,
    });
  return {
    running,
    guest,
    admin,
    withSession,
    withJwt,
    login,
    /** A JWT for `user-<letter>`, minted with a fresh session. */
    async jwtFor(letter = 'a') {
      const session = await login(letter);
      return { ...(await new Account(withSession(session.secret)).createJWT()), session };
    },
    /** Changes the demo project's auth settings through the control API (a partial `AuthSettings`). */
    setAuth(settings: Record<string, unknown>) {
      return fetch(`${running().origin}/_emulator/projects/${PROJECT}/auth`, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/json',
          'x-appwrite-project': PROJECT,
          'x-appwrite-key': API_KEY,
        },
        body: JSON.stringify(settings),
      });
    },
    /** A plain HTTP request to the emulator's API with the project header set. */
    raw(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
      return fetch(`${running().endpoint}${path}`, {
        redirect: 'manual',
        ...init,
        headers: { 'X-Appwrite-Project': PROJECT, ...init.headers },
      });
    },
  };
};

/** Asserts that `promise` rejects with an Appwrite error of this status and type. */
// Generic, so that an SDK call passed in keeps its own default type arguments (a `Promise<unknown>`
// parameter would make TypeScript infer, e.g., `createRow`'s row type from it).
export const expectAppwriteError = async <T>(
  promise: Promise<T>,
  code: number,
  type: string,
): Promise<AppwriteException> => {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code} ${type}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppwriteException);
  const appwriteError = error as AppwriteException;
  expect({ code: appwriteError.code, type: appwriteError.type }).toEqual({ code, type });
  return appwriteError;
};

/** Decodes a session secret / cookie value: `base64({"id","secret"})`. */
export const decodeSecret = (value: string): { id: string; secret: string } =>
  JSON.parse(Buffer.from(decodeURIComponent(value), 'base64').toString('utf8')) as {
    id: string;
    secret: string;
  };

/** The `Set-Cookie` headers of a response, by cookie name. */
export const cookiesOf = (response: Response): Map<string, string> =>
  new Map(response.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]));

/** The value of a cookie from its `Set-Cookie` line. */
export const cookieValue = (line: string | undefined): string =>
  (line ?? '').split(';')[0]?.split('=').slice(1).join('=') ?? '';

export { API_KEY, BIRTHDAYS, DATABASE, PROJECT };
