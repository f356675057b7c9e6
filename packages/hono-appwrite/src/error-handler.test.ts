import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { AppwriteException } from 'node-appwrite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appwriteErrorHandler } from './error-handler.ts';
import { AppwriteHttpError, errors } from './errors.ts';

/** An app whose one route throws `error` (after setting `auth`, if given), answered by the handler. */
const answerTo = (error: unknown, auth?: { kind: string }, request: RequestInit & { path?: string } = {}) => {
  const app = new Hono();
  app.onError(appwriteErrorHandler);
  app.all('*', (c) => {
    if (auth) c.set('auth' as never, auth as never);
    setCookie(c, 'kept', 'yes');
    throw error;
  });
  return app.request(`http://app.test${request.path ?? '/boom'}?secret=query-value`, request);
};

const body = async (response: Response) => (await response.json()) as Record<string, unknown>;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('appwriteErrorHandler', () => {
  it('answers an AppwriteHttpError as it is, with its own headers and the cookies set before it', async () => {
    const response = await answerTo(errors.unauthorized());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="appwrite"');
    expect(response.headers.get('set-cookie')).toMatch(/^kept=yes/);
    expect(await body(response)).toEqual({
      message: 'Sign in first: send `Authorization: Bearer <jwt>` or the session cookie.',
      code: 401,
      type: 'user_unauthorized',
    });
  });

  it.each([
    [400, 'general_argument_invalid'],
    [401, 'user_unauthorized'],
    [404, 'general_route_not_found'],
    [413, 'general_payload_too_large'],
    [418, 'general_http_error'],
  ] as const)("gives hono's own HTTPException %i Appwrite's type %s", async (status, type) => {
    const response = await answerTo(new HTTPException(status, { message: 'said by hono' }));
    expect(response.status).toBe(status);
    expect(await body(response)).toEqual({ message: 'said by hono', code: status, type });
  });

  it("keeps an AppwriteException's 4xx status, type and message", async () => {
    const response = await answerTo(
      new AppwriteException('Invalid credentials.', 401, 'user_invalid_credentials', '{}'),
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await body(response)).toEqual({
      message: 'Invalid credentials.',
      code: 401,
      type: 'user_invalid_credentials',
    });
  });

  it("adds the invalid_token challenge to Appwrite's 401 on a request authenticated by a Bearer JWT", async () => {
    const response = await answerTo(new AppwriteException('Expired.', 401, 'user_jwt_invalid', '{}'), {
      kind: 'jwt',
    });
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="appwrite", error="invalid_token"');
  });

  it("turns Appwrite's 5xx into 502, keeping its type but not its message, and logs it without the query", async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await answerTo(
      new AppwriteException('Database at 10.0.0.5 down', 500, 'general_server_error', '{}'),
    );
    expect(response.status).toBe(502);
    expect(await body(response)).toEqual({
      message: 'Appwrite could not complete the request.',
      code: 502,
      type: 'general_server_error',
    });
    expect(log).toHaveBeenCalledOnce();
    expect(String(log.mock.calls[0]?.[0])).toBe('GET "/boom" → 502 general_server_error (AppwriteException)');
  });

  it('answers any other error 500 general_unknown, logging its name and never its message', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await answerTo(new TypeError('user@example.com has no field x'));
    expect(response.status).toBe(500);
    expect(await body(response)).toEqual({ message: 'Server Error', code: 500, type: 'general_unknown' });
    expect(log.mock.calls.map((call) => String(call[0]))).toEqual(['GET "/boom" failed: TypeError']);
  });

  it('logs no 4xx, and logs a 500 made by hand with its cause', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await answerTo(new AppwriteException('No.', 404, 'row_not_found', '{}'));
    expect(log).not.toHaveBeenCalled();
    const cause = new RangeError('details');
    const response = await answerTo(new AppwriteHttpError(500, 'general_unknown', 'Server Error', { cause }));
    expect(response.status).toBe(500);
    expect(log.mock.calls.map((call) => String(call[0]))).toEqual([
      'GET "/boom" → 500 general_unknown (RangeError)',
    ]);
  });

  it('bounds what a log line takes from the request: 16 characters of method, 256 of path', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const path = `/${'p'.repeat(300)}`;
    await answerTo(new TypeError('x'), undefined, { method: 'PROPFINDPROPFINDPROPFIND', path });
    expect(log.mock.calls.map((call) => String(call[0]))).toEqual([
      `PROPFINDPROPFIND ${JSON.stringify(path.slice(0, 256))} failed: TypeError`,
    ]);
  });

  it('bounds the error name in a log line to 64 characters, with or without a cause', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const long = new Error('x');
    long.name = 'N'.repeat(100);
    await answerTo(long);
    await answerTo(new AppwriteHttpError(503, 'general_service_unavailable', 'Later.', { cause: long }));
    await answerTo(new AppwriteHttpError(503, 'general_service_unavailable', 'Later.'), undefined, {
      method: 'PROPFINDPROPFINDPROPFIND',
    });
    expect(log.mock.calls.map((call) => String(call[0]))).toEqual([
      `GET "/boom" failed: ${'N'.repeat(64)}`,
      `GET "/boom" → 503 general_service_unavailable (${'N'.repeat(64)})`,
      'PROPFINDPROPFIND "/boom" → 503 general_service_unavailable (undefined)',
    ]);
  });

  it("adds no challenge to Appwrite's other 401s on a JWT request: a permission it lacks leaves the token valid", async () => {
    const response = await answerTo(new AppwriteException('No.', 401, 'user_unauthorized', '{}'), {
      kind: 'jwt',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('adds the challenge only to a 401, even on a JWT request', async () => {
    const response = await answerTo(new AppwriteException('No.', 404, 'row_not_found', '{}'), {
      kind: 'jwt',
    });
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('does not add a challenge to a 401 when the request was not authenticated by a JWT', async () => {
    const response = await answerTo(new AppwriteException('No.', 401, 'user_unauthorized', '{}'), {
      kind: 'session',
    });
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('answers an AppwriteHttpError made by hand with its status and type', async () => {
    const response = await answerTo(new AppwriteHttpError(409, 'user_not_guest', 'Not a guest.'));
    expect(response.status).toBe(409);
    expect(await body(response)).toEqual({ message: 'Not a guest.', code: 409, type: 'user_not_guest' });
  });
});
