/** @jsxImportSource hono/jsx */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { AppwriteHttpError, type Auth, getAuth, safeRedirect, takeFormEmail } from 'hono-appwrite';
import { type Client, Query } from 'node-appwrite';
import { listRows } from '../appwrite/rows.ts';
import type { Config } from '../config.ts';
import { Hono } from '../hono.ts';
import { STYLESHEET, STYLESHEET_PATH } from '../pages/styles.ts';
import {
  ErrorPage,
  HomePage,
  LoginPage,
  renderPage,
  SignedOutPage,
  SignupPage,
  type TableView,
} from '../pages/views.tsx';
import type { AppEnv } from '../types.ts';

type PageStatus = Parameters<typeof renderPage>[2];

/** The `next` query parameter when it is a safe target; an unsafe one is dropped, not carried on. */
const safeNext = (c: Context<AppEnv>, config: Config): string | undefined => {
  const next = c.req.query('next');
  if (!next) return undefined;
  return (
    safeRedirect(next, config.PUBLIC_ORIGIN ?? new URL(c.req.url).origin, config.ALLOWED_ORIGINS) ?? undefined
  );
};

/** What a form page shows again after a failed post: the error, the kept email, a safe `next`. */
const formState = (c: Context<AppEnv>, config: Config) => ({
  error: c.req.query('error'),
  email: takeFormEmail(c, { cookieName: config.SESSION_COOKIE_NAME }),
  next: safeNext(c, config),
});

/** Reads the rows of `HOME_TABLE` as the user; a failure is shown in the page, not thrown. */
const readTable = async (client: Client, table: NonNullable<Config['HOME_TABLE']>): Promise<TableView> => {
  try {
    const list = await listRows(client, { ...table, queries: [Query.limit(100)] });
    return { tableId: table.tableId, rows: list.rows, total: list.total };
  } catch (error) {
    if (error instanceof AppwriteHttpError) return { tableId: table.tableId, error: error.type };
    throw error;
  }
};

/** Forgets the session cookie this browser sent (expired, signed out elsewhere, or malformed). */
const forgetSessionCookie = (c: Context, config: Config): void => {
  deleteCookie(c, config.SESSION_COOKIE_NAME, {
    path: '/',
    secure: true,
    httpOnly: true,
    ...(config.SESSION_COOKIE_DOMAIN ? { domain: config.SESSION_COOKIE_DOMAIN } : {}),
  });
};

/**
 * The one way errors reach a page: a credential Appwrite (or the middleware) refused shows the
 * signed-out page — a mangled cookie must not lock the user out of the page that lets them sign in
 * again — and the session cookie is cleared when it was the refused credential (or the middleware
 * refused the request before reading one); any other failure is an HTML page with the mapped status,
 * never JSON.
 */
const pageError = (config: Config) => (error: Error, c: Context<AppEnv>) => {
  if (!(error instanceof AppwriteHttpError)) throw error;
  if (error.status === 401) {
    const kind = (c.get('auth') as Auth | undefined)?.kind;
    if (kind === undefined || kind === 'session') forgetSessionCookie(c, config);
    return renderPage(c, <SignedOutPage notice="user_unauthorized" loginPath={config.LOGIN_PATH} />);
  }
  return renderPage(c, <ErrorPage code={error.status} type={error.type} />, error.status as PageStatus);
};

/**
 * The server-rendered pages: `/` (who you are, your rows, JWT, sign out, guest upgrade), the login
 * page at `LOGIN_PATH` and `/signup`. Plain forms posting to `/auth/*`; no script. `guestOrUser` is
 * `appwriteAuth` with `optional: true`.
 */
export const pageRoutes = (config: Config, guestOrUser: MiddlewareHandler<AppEnv>) =>
  new Hono<AppEnv>()
    .get(STYLESHEET_PATH, (c) =>
      c.body(STYLESHEET, 200, {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'public, max-age=31536000, immutable',
        // The same for everyone: replaces the default `Vary: Authorization, Cookie`.
        Vary: 'Accept-Encoding',
      }),
    )
    .get('/favicon.ico', (c) =>
      c.body(null, 204, { 'Cache-Control': 'public, max-age=86400', Vary: 'Accept-Encoding' }),
    )
    .get(config.LOGIN_PATH, (c) =>
      renderPage(c, <LoginPage {...formState(c, config)} providers={config.OAUTH_PROVIDERS} />),
    )
    .get('/signup', (c) =>
      renderPage(c, <SignupPage {...formState(c, config)} loginPath={config.LOGIN_PATH} />),
    )
    .get('/', guestOrUser, async (c) => {
      const error = c.req.query('error');
      const email = takeFormEmail(c, { cookieName: config.SESSION_COOKIE_NAME });
      if (getAuth(c).kind === 'guest') {
        return renderPage(c, <SignedOutPage notice={error} loginPath={config.LOGIN_PATH} />);
      }
      // Always Appwrite's own answer, not the identity cache's: the page is where a user checks
      // whether they are still signed in.
      const user = await c.var.appwrite.account.get();
      const table = config.HOME_TABLE ? await readTable(c.var.appwrite.client, config.HOME_TABLE) : undefined;
      return renderPage(c, <HomePage user={user} table={table} error={error} email={email} />);
    })
    .onError(pageError(config));
