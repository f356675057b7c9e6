/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { type Client, type Models, Query } from 'node-appwrite';
import { userServices } from '../appwrite/clients.ts';
import { listRows } from '../appwrite/rows.ts';
import type { Config } from '../config.ts';
import { AppwriteHttpError, upstream } from '../errors.ts';
import { Hono } from '../hono.ts';
import { readCredential } from '../middleware/appwrite-auth.ts';
import { takeFlashEmail } from '../pages/flash.ts';
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
import { publicOrigin, safeRedirect } from '../redirects.ts';
import { clearSessionCookie } from '../session-cookie.ts';
import type { AppEnv } from '../types.ts';

type PageStatus = Parameters<typeof renderPage>[2];

/** The `next` query parameter when it is a safe target; an unsafe one is dropped, not carried on. */
const safeNext = (c: Context<AppEnv>): string | undefined => {
  const next = c.req.query('next');
  if (!next) return undefined;
  const { config } = c.var;
  return safeRedirect(next, publicOrigin(c, config), config.ALLOWED_ORIGINS) ?? undefined;
};

/** What a form page shows again after a failed post: the error, the kept email, a safe `next`. */
const formState = (c: Context<AppEnv>, config: Config) => ({
  error: c.req.query('error'),
  email: takeFlashEmail(c, config),
  next: safeNext(c),
});

/** Reads the rows of `HOME_TABLE` as the user; a failure is shown in the page, not thrown. */
const readTable = async (client: Client, table: NonNullable<Config['HOME_TABLE']>): Promise<TableView> => {
  try {
    const list = await upstream(listRows(client, { ...table, queries: [Query.limit(100)] }));
    return { tableId: table.tableId, rows: list.rows, total: list.total };
  } catch (error) {
    if (error instanceof AppwriteHttpError) return { tableId: table.tableId, error: error.type };
    throw error;
  }
};

/** An upstream failure on a page: an HTML page with the mapped status instead of JSON. */
const pageError = (c: Context<AppEnv>, error: unknown): Promise<Response> => {
  if (!(error instanceof AppwriteHttpError)) throw error;
  return renderPage(c, <ErrorPage code={error.status} type={error.type} />, error.status as PageStatus);
};

/**
 * The server-rendered pages: `/` (who you are, your rows, JWT, sign out, guest upgrade), the login
 * page at `LOGIN_PATH` and `/signup`. Plain forms posting to `/auth/*`; no script.
 */
export const pageRoutes = (config: Config) =>
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
    .get('/', async (c) => {
      const error = c.req.query('error');
      const email = takeFlashEmail(c, config);
      const signedOut = (notice: string | undefined) =>
        renderPage(c, <SignedOutPage notice={notice} loginPath={config.LOGIN_PATH} />);
      let credential: ReturnType<typeof readCredential>;
      try {
        credential = readCredential(c, config.SESSION_COOKIE_NAME);
      } catch {
        // A mangled cookie must not lock the user out of the page that lets them sign in again.
        clearSessionCookie(c, config);
        return signedOut('user_unauthorized');
      }
      if (!credential) return signedOut(error);
      const { account, client } = userServices(config, credential);
      let user: Models.User<Models.Preferences>;
      try {
        user = await upstream(account.get());
      } catch (failure) {
        if (failure instanceof AppwriteHttpError && failure.status === 401) {
          // The session ended upstream (expired, signed out elsewhere): forget it here too.
          if (credential.kind === 'session') clearSessionCookie(c, config);
          return signedOut('user_unauthorized');
        }
        return pageError(c, failure);
      }
      const table = config.HOME_TABLE ? await readTable(client, config.HOME_TABLE) : undefined;
      return renderPage(c, <HomePage user={user} table={table} error={error} email={email} />);
    });
