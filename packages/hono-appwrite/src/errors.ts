import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppwriteException } from 'node-appwrite';

/** The body of every error the library sends, as Appwrite shapes its own. */
export type ErrorBody = { message: string; code: number; type: string };

/**
 * An `HTTPException` with an Appwrite-style `type`, whose response is the JSON `{message, code,
 * type}` with its own headers (`WWW-Authenticate`, `Retry-After`): Hono's default error handler
 * answers it as it is, and `appwriteErrorHandler` does too. `cause` keeps the original error for
 * logs, never for clients.
 */
export class AppwriteHttpError extends HTTPException {
  readonly type: string;
  /** Headers the answer carries besides `Content-Type`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: ContentfulStatusCode,
    type: string,
    message: string,
    options: { cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(status, { message, cause: options.cause });
    this.name = 'AppwriteHttpError';
    this.type = type;
    this.headers = Object.freeze({ ...options.headers });
  }

  /** The JSON body for this error. */
  toBody(): ErrorBody {
    return { message: this.message, code: this.status, type: this.type };
  }

  /** A new JSON answer for this error (a `Response` body can be read once). */
  override getResponse(): Response {
    return new Response(JSON.stringify(this.toBody()), {
      status: this.status,
      headers: { 'Content-Type': 'application/json', ...this.headers },
    });
  }
}

/** RFC 6750's challenge for a request without a credential. */
const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="appwrite"' };
/** RFC 6750's challenge for a Bearer token that was refused. */
export const INVALID_TOKEN_CHALLENGE = {
  'WWW-Authenticate': 'Bearer realm="appwrite", error="invalid_token"',
};

/**
 * Whether an Appwrite error says the Bearer JWT itself is no good (expired, forged, malformed), which
 * RFC 6750's `invalid_token` tells a client to replace. Appwrite's other 401s (`user_unauthorized`
 * for a permission it lacks, …) leave a valid token valid: they get no challenge.
 */
export const refusesToken = (error: AppwriteHttpError): boolean =>
  error.status === 401 && error.type === 'user_jwt_invalid';

/** Shorthands for the errors the library raises itself. */
export const errors = {
  unauthorized: () =>
    new AppwriteHttpError(
      401,
      'user_unauthorized',
      'Sign in first: send `Authorization: Bearer <jwt>` or the session cookie.',
      { headers: BEARER_CHALLENGE },
    ),
  malformedJwt: () =>
    new AppwriteHttpError(
      401,
      'user_jwt_invalid',
      'The Authorization header must be `Bearer <jwt>` with a well-formed JWT.',
      { headers: INVALID_TOKEN_CHALLENGE },
    ),
  malformedSession: () =>
    new AppwriteHttpError(401, 'user_session_invalid', 'The session cookie is malformed. Sign in again.'),
  duplicatedSession: () =>
    new AppwriteHttpError(
      401,
      'user_session_invalid',
      'The session cookie was sent more than once, so neither is trusted. Sign in again.',
    ),
  invalidArgument: (message: string) => new AppwriteHttpError(400, 'general_argument_invalid', message),
  /** 502: what came back is not the Appwrite answer expected. The raw body is never included. */
  invalidResponse: (
    message = 'Appwrite answered with something that is not an Appwrite response.',
    cause?: unknown,
  ) => new AppwriteHttpError(502, 'upstream_invalid_response', message, { cause }),
  unknownOrigin: () =>
    new AppwriteHttpError(
      403,
      'general_unknown_origin',
      'The request originated from an origin this server does not trust.',
    ),
};

// undici's own deadlines (the Node pool transport): headers, body and connect timeouts.
const UNDICI_TIMEOUTS = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const isTimeout = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'TimeoutError' ||
    error.name === 'AbortError' ||
    UNDICI_TIMEOUTS.has(String((error as { code?: unknown }).code)));

/** Network failures as each runtime reports them: undici/Node, Bun, Deno, workerd. */
const isNetworkFailure = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError) return true; // `fetch failed` (Node), Deno's and Bun's connection errors
  const code = (error as { code?: unknown }).code;
  return (
    /network connection lost|connection refused|socket|ECONN|EPIPE|ENOTFOUND|EAI_AGAIN/i.test(
      error.message,
    ) ||
    // OpenSSL's certificate codes (a TLS failure on Node's pooled transport) carry no `E` prefix.
    (typeof code === 'string' &&
      /^(?:E[A-Z]+|ConnectionRefused|UND_ERR|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code))
  );
};

/**
 * Maps anything a node-appwrite call can throw to an {@link AppwriteHttpError}:
 * - Appwrite's own 4xx errors keep their status, `type` and message;
 * - Appwrite 5xx → 502 (503 stays 503), keeping Appwrite's `type` when it sent one;
 * - a non-JSON or truncated answer → 502 `upstream_invalid_response` (the raw body is never echoed);
 * - connection refused/reset → 502 `upstream_unavailable`; timeout → 504 `upstream_timeout`.
 */
export const fromUpstream = (error: unknown): AppwriteHttpError => {
  if (error instanceof AppwriteHttpError) return error;
  if (error instanceof AppwriteException) {
    const { code, type } = error;
    if (typeof type === 'string' && type && code >= 400 && code < 500) {
      return new AppwriteHttpError(code as ContentfulStatusCode, type, error.message || type, {
        cause: error,
      });
    }
    if (typeof type === 'string' && type && code >= 500) {
      return new AppwriteHttpError(
        code === 503 ? 503 : 502,
        type,
        'Appwrite could not complete the request.',
        {
          cause: error,
        },
      );
    }
    return errors.invalidResponse(undefined, error);
  }
  if (isTimeout(error)) {
    return new AppwriteHttpError(504, 'upstream_timeout', 'Appwrite did not answer in time.', {
      cause: error,
    });
  }
  // json-bigint (node-appwrite's parser) throws a plain `{name: 'SyntaxError', text}` object, not
  // an Error, for truncated JSON; `text` is the raw body and must never reach a client or a log.
  if (error instanceof SyntaxError || (error as { name?: unknown } | null)?.name === 'SyntaxError') {
    return errors.invalidResponse(undefined, error);
  }
  if (isNetworkFailure(error)) {
    return new AppwriteHttpError(502, 'upstream_unavailable', 'Appwrite is unreachable.', { cause: error });
  }
  return new AppwriteHttpError(500, 'general_unknown', 'Server Error', { cause: error });
};

/** Awaits a node-appwrite call, mapping every failure with {@link fromUpstream}. */
export const upstream = async <T>(call: Promise<T>): Promise<T> => {
  try {
    return await call;
  } catch (error) {
    throw fromUpstream(error);
  }
};
