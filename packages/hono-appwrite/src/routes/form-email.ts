import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';

type FlashConfig = { cookieName: string };

const options = {
  path: '/',
  httpOnly: true,
  secure: true,
  sameSite: 'Lax',
} as const satisfies CookieOptions;

const name = (config: FlashConfig) => `${config.cookieName}_email`;

/**
 * Keeps the email a failed form post was sent with for the page it is redirected to (one minute,
 * httpOnly, read once), so the user need not type it again — without putting it in the URL, where
 * it would end up in history and access logs.
 */
export const keepFormEmail = (c: Context, config: FlashConfig, email: unknown): void => {
  if (typeof email !== 'string' || email === '' || email.length > 255) return;
  setCookie(c, name(config), email, { ...options, maxAge: 60 });
};

/** Reads and clears the email kept by {@link keepFormEmail}. */
export const takeFormEmail = (c: Context, config: FlashConfig): string | undefined => {
  const value = getCookie(c, name(config));
  if (value === undefined) return undefined;
  deleteCookie(c, name(config), options);
  return value.length <= 255 ? value : undefined;
};
