import type { Context } from 'hono';
import { AppwriteHttpError } from '../errors.ts';
import { isFormPost, publicOrigin, safeRedirect, wantsHtml, withQuery } from '../redirects.ts';
import type { RoutesEnv, RoutesState } from '../types.ts';
import { keepFormEmail } from './form-email.ts';

type Handler = (c: Context<RoutesEnv>) => Response | Promise<Response>;

/**
 * The one way a failure reaches a browser: it is sent back to a page with `?error=<type>` to read
 * why. A form post gets 303 to its `back` page, with its safe `next` carried on and the typed email
 * kept in a one-minute cookie rather than the URL; a page navigation (`Accept: text/html`, as in
 * the OAuth redirects) gets 302. Every other client gets the JSON error itself.
 */
export const answeringBrowsers =
  (back: (settings: RoutesState) => string, handler: Handler) =>
  async (c: Context<RoutesEnv>): Promise<Response> => {
    try {
      return await handler(c);
    } catch (error) {
      if (!(error instanceof AppwriteHttpError)) throw error;
      const settings = c.get('authRoutes');
      if (isFormPost(c)) {
        // Hono caches the parsed body: this reads what the handler read (or `{}` if it was unreadable).
        const body: Record<string, unknown> = await c.req.parseBody().catch(() => ({}));
        keepFormEmail(c, settings, body.email);
        const next =
          typeof body.next === 'string' && body.next
            ? safeRedirect(body.next, publicOrigin(c, settings), settings.allowedOrigins)
            : null;
        const params: Record<string, string> = next ? { error: error.type, next } : { error: error.type };
        return c.redirect(withQuery(back(settings), params), 303);
      }
      if (c.req.method === 'GET' && wantsHtml(c)) {
        return c.redirect(withQuery(back(settings), { error: error.type }), 302);
      }
      throw error;
    }
  };

/** The login page, where sign-in failures are shown. */
export const loginPage = (settings: RoutesState): string => settings.loginPath;
