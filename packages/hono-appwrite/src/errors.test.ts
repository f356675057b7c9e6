import { HTTPException } from 'hono/http-exception';
import { AppwriteException } from 'node-appwrite';
import { describe, expect, it } from 'vitest';
import { AppwriteHttpError, errors, fromUpstream, upstream } from './errors.ts';

const INVALID_RESPONSE = 'Appwrite answered with something that is not an Appwrite response.';

const connectionRefused = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
const undiciSocket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
/** An error as undici throws it, e.g. `ConnectTimeoutError` with code `UND_ERR_CONNECT_TIMEOUT`. */
const undiciError = (name: string, message: string, code: string) =>
  Object.assign(new Error(message), { name, code });
/** What json-bigint (node-appwrite's parser) throws for truncated JSON: not an Error; `text` is the body. */
const jsonBigintSyntaxError = {
  name: 'SyntaxError',
  message: 'Bad string',
  at: 31,
  text: '{"$id":"u1","email":"user-a@exam',
};

describe('fromUpstream', () => {
  it.each([
    [
      'an Appwrite 401 keeps status, type and message',
      new AppwriteException('Invalid credentials', 401, 'user_invalid_credentials', ''),
      { code: 401, type: 'user_invalid_credentials', message: 'Invalid credentials' },
    ],
    [
      'an Appwrite 404 keeps status, type and message',
      new AppwriteException('Row not found.', 404, 'row_not_found', ''),
      { code: 404, type: 'row_not_found', message: 'Row not found.' },
    ],
    [
      'an Appwrite 400 keeps status, type and message',
      new AppwriteException('Invalid `email` param.', 400, 'general_argument_invalid', ''),
      { code: 400, type: 'general_argument_invalid', message: 'Invalid `email` param.' },
    ],
    [
      'an Appwrite 429 keeps status, type and message',
      new AppwriteException('Rate limit exceeded.', 429, 'general_rate_limit_exceeded', ''),
      { code: 429, type: 'general_rate_limit_exceeded', message: 'Rate limit exceeded.' },
    ],
    [
      'an Appwrite 4xx without a message uses its type as message',
      new AppwriteException('', 409, 'user_already_exists', ''),
      { code: 409, type: 'user_already_exists', message: 'user_already_exists' },
    ],
    [
      'an Appwrite 500 becomes 502 and keeps its type',
      new AppwriteException('Server Error: stack at /usr/src/code', 500, 'general_unknown', ''),
      { code: 502, type: 'general_unknown', message: 'Appwrite could not complete the request.' },
    ],
    [
      'an Appwrite 503 stays 503 and keeps its type',
      new AppwriteException('Service unavailable', 503, 'general_service_disabled', ''),
      { code: 503, type: 'general_service_disabled', message: 'Appwrite could not complete the request.' },
    ],
    [
      'a non-JSON Appwrite answer (no type) becomes 502 upstream_invalid_response',
      new AppwriteException('<html>secret</html>', 502, undefined, '<html>secret</html>'),
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      'an Appwrite 4xx without a type becomes 502 upstream_invalid_response',
      new AppwriteException('<html>Bad request</html>', 400, '', '<html>Bad request</html>'),
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      'an Appwrite 3xx with a type becomes 502 upstream_invalid_response',
      new AppwriteException('Moved Permanently', 301, 'general_unknown', ''),
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      'an Appwrite 4xx whose type is not a string becomes 502 upstream_invalid_response',
      new AppwriteException('Unauthorized', 401, 401 as unknown as string, '{"type":401}'),
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      'an Appwrite 5xx whose type is not a string becomes 502 upstream_invalid_response',
      new AppwriteException('Server Error', 500, 500 as unknown as string, '{"type":500}'),
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      'a fetch failure (TypeError) becomes 502 upstream_unavailable',
      new TypeError('fetch failed'),
      { code: 502, type: 'upstream_unavailable', message: 'Appwrite is unreachable.' },
    ],
    [
      'a workerd lost connection becomes 502 upstream_unavailable',
      new Error('Network connection lost.'),
      { code: 502, type: 'upstream_unavailable', message: 'Appwrite is unreachable.' },
    ],
    [
      'an ECONNREFUSED code becomes 502 upstream_unavailable',
      connectionRefused,
      { code: 502, type: 'upstream_unavailable', message: 'Appwrite is unreachable.' },
    ],
    ...[
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ].map((code): [string, unknown, { code: number; type: string; message: string }] => [
      `a TLS failure (${code}) becomes 502 upstream_unavailable`,
      Object.assign(new Error(`certificate problem: ${code.toLowerCase()}`), { code }),
      { code: 502, type: 'upstream_unavailable', message: 'Appwrite is unreachable.' },
    ]),
    [
      'an undici socket error becomes 502 upstream_unavailable',
      undiciSocket,
      { code: 502, type: 'upstream_unavailable', message: 'Appwrite is unreachable.' },
    ],
    [
      'a TimeoutError DOMException becomes 504 upstream_timeout',
      new DOMException('timed out', 'TimeoutError'),
      { code: 504, type: 'upstream_timeout', message: 'Appwrite did not answer in time.' },
    ],
    [
      'an AbortError DOMException becomes 504 upstream_timeout',
      new DOMException('aborted', 'AbortError'),
      { code: 504, type: 'upstream_timeout', message: 'Appwrite did not answer in time.' },
    ],
    [
      'an undici headers timeout becomes 504 upstream_timeout',
      undiciError('HeadersTimeoutError', 'Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT'),
      { code: 504, type: 'upstream_timeout', message: 'Appwrite did not answer in time.' },
    ],
    [
      'an undici body timeout becomes 504 upstream_timeout',
      undiciError('BodyTimeoutError', 'Body Timeout Error', 'UND_ERR_BODY_TIMEOUT'),
      { code: 504, type: 'upstream_timeout', message: 'Appwrite did not answer in time.' },
    ],
    [
      'an undici connect timeout becomes 504 upstream_timeout',
      undiciError('ConnectTimeoutError', 'Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT'),
      { code: 504, type: 'upstream_timeout', message: 'Appwrite did not answer in time.' },
    ],
    [
      'a SyntaxError (truncated JSON) becomes 502 upstream_invalid_response',
      new SyntaxError('Unexpected end of JSON input'),
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      "json-bigint's SyntaxError object (truncated JSON) becomes 502 upstream_invalid_response",
      jsonBigintSyntaxError,
      { code: 502, type: 'upstream_invalid_response', message: INVALID_RESPONSE },
    ],
    [
      'an Error with a code that is no network error code becomes 500 general_unknown',
      Object.assign(new Error('boom'), { code: 'MISSING_SECRET' }),
      { code: 500, type: 'general_unknown', message: 'Server Error' },
    ],
    [
      'a plain Error becomes 500 general_unknown',
      new Error('boom'),
      { code: 500, type: 'general_unknown', message: 'Server Error' },
    ],
    [
      'a thrown string becomes 500 general_unknown',
      'boom',
      { code: 500, type: 'general_unknown', message: 'Server Error' },
    ],
  ])('maps %s', (_, error, expected) => {
    const mapped = fromUpstream(error);
    expect(mapped).toBeInstanceOf(AppwriteHttpError);
    expect(mapped).toBeInstanceOf(HTTPException);
    expect(mapped.status).toBe(expected.code);
    expect(mapped.toBody()).toStrictEqual(expected);
    expect(mapped.cause).toBe(error);
  });

  it('never echoes the raw body of a non-JSON answer', () => {
    const body = '<html>secret</html>';
    const mapped = fromUpstream(new AppwriteException(body, 502, undefined, body));
    expect(mapped.message).not.toContain('<html>');
    expect(JSON.stringify(mapped.toBody())).not.toContain('secret');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['number', 42],
    // A code that cannot be turned into a string, so no pattern may be tested against it.
    ['Error whose code is a Symbol', Object.assign(new Error('boom'), { code: Symbol('ECONNRESET') })],
  ])('maps a thrown %s to 500 general_unknown without throwing itself', (_, error) => {
    const mapped = fromUpstream(error);
    expect(mapped.toBody()).toStrictEqual({ message: 'Server Error', code: 500, type: 'general_unknown' });
    expect(mapped.cause).toBe(error);
  });

  it('never echoes the message of an Appwrite 5xx', () => {
    const mapped = fromUpstream(
      new AppwriteException('PDOException: password=hunter2', 500, 'general_unknown'),
    );
    expect(JSON.stringify(mapped.toBody())).not.toContain('hunter2');
  });

  it('returns an AppwriteHttpError unchanged', () => {
    const original = errors.malformedJwt();
    expect(fromUpstream(original)).toBe(original);
  });
});

describe('AppwriteHttpError', () => {
  it('toBody() has exactly message, code and type', () => {
    const error = new AppwriteHttpError(418, 'general_teapot', 'I am a teapot', { cause: new Error('x') });
    const body = error.toBody();
    expect(body).toStrictEqual({ message: 'I am a teapot', code: 418, type: 'general_teapot' });
    expect(Object.keys(body).sort()).toStrictEqual(['code', 'message', 'type']);
    expect(error.name).toBe('AppwriteHttpError');
  });

  it.each([
    ['unauthorized', errors.unauthorized(), 401, 'user_unauthorized'],
    ['malformedJwt', errors.malformedJwt(), 401, 'user_jwt_invalid'],
    ['malformedSession', errors.malformedSession(), 401, 'user_session_invalid'],
    ['invalidArgument', errors.invalidArgument('bad'), 400, 'general_argument_invalid'],
    ['unknownOrigin', errors.unknownOrigin(), 403, 'general_unknown_origin'],
  ])('errors.%s() is %i %s', (_, error, status, type) => {
    expect(error.status).toBe(status);
    expect(error.toBody().code).toBe(status);
    expect(error.toBody().type).toBe(type);
  });
});

describe('upstream', () => {
  it('resolves with the value of a successful call', async () => {
    await expect(upstream(Promise.resolve({ $id: 'u1' }))).resolves.toStrictEqual({ $id: 'u1' });
  });

  it('rejects with the mapped error of a failed call', async () => {
    const cause = new TypeError('fetch failed');
    const rejection = upstream(Promise.reject(cause));
    await expect(rejection).rejects.toBeInstanceOf(AppwriteHttpError);
    await expect(rejection).rejects.toMatchObject({ status: 502, type: 'upstream_unavailable', cause });
  });
});
