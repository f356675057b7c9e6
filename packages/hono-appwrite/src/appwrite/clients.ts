import { Account, Client, type Models } from 'node-appwrite';
import { AppwriteHttpError, errors, fromUpstream, INVALID_TOKEN_CHALLENGE, refusesToken } from '../errors.ts';
import {
  callOver,
  fetchTransport,
  redirectOver,
  type Transport,
  type TransportRequest,
} from './transport.ts';

/** What building an Appwrite client needs. */
export type ClientSettings = {
  endpoint: string;
  projectId: string;
  timeoutMs: number;
  transport: Transport | undefined;
};

/** A credential that acts as one end user. Never logged, never mixed with the API key. */
export type UserCredential = { kind: 'jwt'; jwt: string } | { kind: 'session'; secret: string };

/**
 * node-appwrite's `Client` with a deadline on every request (the signal aborts the connection and
 * the body read, so a hung Appwrite costs at most `timeoutMs` and surfaces as `TimeoutError`, 504),
 * and, when given one, its requests sent over a faster {@link Transport}.
 */
class TimedClient extends Client {
  readonly #timeoutMs: number;
  readonly #transport: Transport | undefined;
  /** Whether it carries a Bearer JWT, whose refusal by Appwrite gets RFC 6750's challenge. */
  readonly #bearer: boolean;

  constructor(timeoutMs: number, transport: Transport | undefined, bearer: boolean) {
    super();
    this.#timeoutMs = timeoutMs;
    this.#transport = transport;
    this.#bearer = bearer;
  }

  /** An upstream failure as thrown to the route; a refused Bearer JWT carries RFC 6750's challenge. */
  #failure(error: unknown): AppwriteHttpError {
    const mapped = fromUpstream(error);
    if (!this.#bearer || !refusesToken(mapped) || 'WWW-Authenticate' in mapped.headers) return mapped;
    return new AppwriteHttpError(401, mapped.type, mapped.message, {
      cause: mapped.cause,
      headers: { ...mapped.headers, ...INVALID_TOKEN_CHALLENGE },
    });
  }

  override prepareRequest(
    ...args: Parameters<Client['prepareRequest']>
  ): ReturnType<Client['prepareRequest']> {
    const request = super.prepareRequest(...args);
    // A transport enforces the deadline itself (cheaper); node-appwrite's fetch gets a signal.
    if (!this.#transport) request.options.signal = AbortSignal.timeout(this.#timeoutMs);
    return request;
  }

  // Both go through a Transport (node-appwrite's own fetch by default) so that every answer gets
  // the same checks: see `callOver` and `redirectOver`. Every failure is thrown as the
  // `AppwriteHttpError` `fromUpstream` maps it to: an `HTTPException` with its JSON answer, so a
  // route needs no error handling of its own, and an app's own TypeError is never taken for a
  // network failure.
  override async call(...args: Parameters<Client['call']>): ReturnType<Client['call']> {
    const [method, url, headers, params, responseType = 'json'] = args;
    const { uri, options } = this.prepareRequest(method, url, headers, params);
    const request = { ...(options as TransportRequest), timeoutMs: this.#timeoutMs };
    try {
      return await callOver(this.#transport ?? fetchTransport, uri, request, responseType);
    } catch (error) {
      throw this.#failure(error);
    }
  }

  override async redirect(...args: Parameters<Client['redirect']>): ReturnType<Client['redirect']> {
    const { uri, options } = this.prepareRequest(...args);
    try {
      return await redirectOver(this.#transport ?? fetchTransport, uri, {
        ...(options as TransportRequest),
        timeoutMs: this.#timeoutMs,
      });
    } catch (error) {
      throw this.#failure(error);
    }
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

/** Removes what cannot travel in a header (CR, LF and other controls) and bounds the length. */
export const sanitizeUserAgent = (value: string | undefined): string | undefined => {
  const cleaned = value?.replace(CONTROL_CHARACTERS, ' ').trim().slice(0, 512);
  return cleaned || undefined;
};

const baseClient = (config: ClientSettings, bearer = false): Client =>
  new TimedClient(config.timeoutMs, config.transport, bearer)
    .setEndpoint(config.endpoint)
    .setProject(config.projectId);

/**
 * A new client carrying the API key, for creating accounts and sessions on an end user's behalf.
 * Their user agent is forwarded (Appwrite honours `X-Forwarded-User-Agent` only with a key), so the
 * session lists their browser, not this server. Never given a user credential: build one per call.
 */
export const adminClient = (config: ClientSettings & { apiKey: string }, userAgent?: string) => {
  const client = baseClient(config).setKey(config.apiKey);
  const forwarded = sanitizeUserAgent(userAgent);
  if (forwarded) client.setForwardedUserAgent(forwarded);
  return client;
};

/**
 * A new client acting as one end user (JWT or session secret), or as a guest without a credential.
 * Built per request: node-appwrite's setters write into shared headers that cannot be unset, so a
 * client reused across requests sends one user's call with another's credential.
 */
export const userClient = (config: ClientSettings, credential?: UserCredential): Client => {
  const client = baseClient(config, credential?.kind === 'jwt');
  if (credential?.kind === 'jwt') client.setJWT(credential.jwt);
  if (credential?.kind === 'session') client.setSession(credential.secret);
  return client;
};

/**
 * The node-appwrite services a route gets for the current user: the client, and `Account`. Build
 * the others you need on the client (`new TablesDB(c.var.appwrite.client)`), so a Workers bundle
 * only carries the classes it uses.
 */
export type UserServices = { client: Client; account: Account };

/** Services over one fresh {@link userClient}. */
export const userServices = (config: ClientSettings, credential?: UserCredential): UserServices => {
  const client = userClient(config, credential);
  return { client, account: new Account(client) };
};

/**
 * A session as Appwrite returns it to an API-key caller, checked to carry its `secret` (it is empty
 * for callers without a key, or a key without the `sessions.write` scope).
 */
export const requireSessionSecret = (session: Models.Session): Models.Session => {
  if (!session.secret) {
    throw errors.invalidResponse(
      'Appwrite returned a session without its secret: the API key needs the `sessions.write` scope.',
    );
  }
  return session;
};
