// Value rules shared by the options checks and the request parsers.
import * as z from 'zod/mini';

/** Appwrite's custom ID rule: 1–36 of a-z A-Z 0-9 . - _, not starting with a special character. */
export const appwriteId = z.string().check(z.regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/));

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for hosts that never leave the machine, where plain HTTP cannot be intercepted. */
export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(hostname);
