import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppwriteException } from 'node-appwrite';
import { AppwriteHttpError, fromUpstream, INVALID_TOKEN_CHALLENGE, refusesToken } from './errors.ts';

/** Appwrite's types for the statuses Hono's own `HTTPException`s carry (body limit, …). */
const STATUS_TYPES: Record<number, string> = {
  400: 'general_argument_invalid',
  401: 'user_unauthorized',
  404: 'general_route_not_found',
  413: 'general_payload_too_large',
};

/** The path of a request, for a log line: never its query (OAuth callbacks carry a secret in it). */
const pathOf = (c: Context): string => JSON.stringify(new URL(c.req.url).pathname.slice(0, 256));

/**
 * Maps any error to an Appwrite-shaped JSON answer:
 * - `AppwriteHttpError` as it is (with its `WWW-Authenticate` or `Retry-After`): the middleware's
 *   refusals and every failure of the clients it builds (Appwrite's own 4xx keep status and type;
 *   5xx → 502/503; unreachable → 502; timeout → 504);
 * - node-appwrite's `AppwriteException` from a client of your own, mapped the same way. Appwrite's
 *   `user_jwt_invalid` on a request authenticated by a Bearer JWT carries
 *   `WWW-Authenticate: Bearer error="invalid_token"`;
 * - other `HTTPException`s with their status;
 * - anything else → 500 `general_unknown`, logged by name only (messages can carry request data).
 *
 * @example
 * ```ts
 * app.onError(appwriteErrorHandler);
 * ```
 */
export const appwriteErrorHandler: ErrorHandler = (error, c) => {
  if (error instanceof HTTPException && !(error instanceof AppwriteHttpError)) {
    const status = error.status as ContentfulStatusCode;
    const type = STATUS_TYPES[status] ?? 'general_http_error';
    return c.json({ message: error.message || type, code: status, type }, status);
  }
  if (!(error instanceof AppwriteHttpError || error instanceof AppwriteException)) {
    // Name only: messages of unexpected errors can carry request data.
    console.error(`${c.req.method.slice(0, 16)} ${pathOf(c)} failed: ${String(error.name).slice(0, 64)}`);
    return c.json({ message: 'Server Error', code: 500, type: 'general_unknown' }, 500);
  }
  const mapped = fromUpstream(error);
  if (mapped.status >= 500) {
    const cause = (mapped.cause as { name?: unknown } | null | undefined)?.name ?? typeof mapped.cause;
    console.error(
      `${c.req.method.slice(0, 16)} ${pathOf(c)} → ${mapped.status} ${mapped.type} (${String(cause).slice(0, 64)})`,
    );
  }
  const answer = mapped.getResponse();
  const auth = c.get('auth') as { kind?: unknown } | undefined;
  if (refusesToken(mapped) && auth?.kind === 'jwt' && !answer.headers.has('WWW-Authenticate')) {
    answer.headers.set('WWW-Authenticate', INVALID_TOKEN_CHALLENGE['WWW-Authenticate']);
  }
  return c.newResponse(answer.body, answer);
};
