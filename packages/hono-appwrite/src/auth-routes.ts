import { bodyLimit } from 'hono/body-limit';
import { JwtCache } from './appwrite/jwt-cache.ts';
import { appwriteErrorHandler } from './error-handler.ts';
import { AppwriteHttpError } from './errors.ts';
import { Hono } from './hono.ts';
import { appwriteAuth } from './middleware/appwrite-auth.ts';
import { originCheck } from './middleware/origin-check.ts';
import { rateLimiterOf } from './rate-limit.ts';
import { credentialRoutes } from './routes/auth.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { type AuthRoutesOptions, resolveRoutesSettings } from './settings.ts';
import type { RoutesEnv, RoutesState } from './types.ts';

/**
 * The sign-in routes as a sub-app to mount with `app.route()` at a fixed prefix of your choice
 * (`app.route('/auth', authRoutes(options))`; the OAuth return URLs are read from that prefix):
 * `POST /signup`, `/login`, `/anonymous` (guest), `/upgrade` (guest to email), `/logout`, `/jwt`,
 * and `GET /oauth/:provider`, `/oauth/callback`, `/oauth/failure`. Each answers JSON, and HTML form
 * posts with 303 redirects. The session lives in the httpOnly session cookie; the routes check the
 * request's origin, bound bodies to 16 KiB and count attempts.
 * Options are checked here: a bad one throws `Error` naming it.
 *
 * @example
 * ```ts
 * app.route('/auth', authRoutes({ endpoint, projectId, apiKey, oauthProviders: ['github'] }));
 * ```
 */
export const authRoutes = (options: AuthRoutesOptions): Hono<RoutesEnv> => {
  const { rateLimit, jwtCache, ...settings } = resolveRoutesSettings(options);
  const state: RoutesState = Object.freeze({
    ...settings,
    rateLimiter: rateLimiterOf(rateLimit),
    jwtCache: jwtCache ?? new JwtCache(),
  });
  // The session-bound routes refuse a request without a session themselves, so that a form post
  // from a stale page is sent back to a page instead of getting a JSON 401.
  const auth = appwriteAuth({ ...options, optional: true });
  return new Hono<RoutesEnv>()
    .use(async function authRoutesSettings(c, next) {
      c.set('authRoutes', state);
      await next();
    })
    .use(originCheck({ publicOrigin: state.publicOrigin, allowedOrigins: state.allowedOrigins }))
    .use(
      bodyLimit({
        maxSize: 16 * 1024,
        onError: () => {
          throw new AppwriteHttpError(
            413,
            'general_payload_too_large',
            'The request body is larger than 16 KiB.',
          );
        },
      }),
    )
    .use('/upgrade', auth)
    .use('/logout', auth)
    .use('/jwt', auth)
    .route('/oauth', oauthRoutes)
    .route('/', credentialRoutes)
    .onError(appwriteErrorHandler);
};
