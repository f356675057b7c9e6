import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { type EmulatorEnv, guard, signJwt } from '../auth.ts';
import { randomHex, sha256, uniqueId } from '../crypto.ts';
import { AppwriteError, type ErrorType, invalidParam } from '../errors.ts';
import { addUser, emailTargets, newUser, type Project } from '../model.ts';
import { readFormBody, readParams, v, validate } from '../params.ts';
import { KNOWN_OAUTH_PROVIDERS } from '../seed.ts';

const HOUR = 3600;
/** How long the built-in provider's authorization code stays valid. */
const CODE_TTL_SECONDS = 600;
/** Appwrite 1.9 wraps the OAuth2 token secret in a JWT valid for 60 seconds. */
const TOKEN_JWT_TTL_SECONDS = 60;

/** The origin clients used to reach the emulator (honours `X-Forwarded-Proto`). */
const publicOrigin = (c: Context): string => {
  const url = new URL(c.req.url);
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.slice(0, -1);
  return `${proto}://${c.req.header('host') ?? url.host}`;
};

/** A redirect target must be http(s) on one of the project's platform hostnames. */
const checkRedirect = (project: Project, name: 'success' | 'failure', value: string): void => {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || !/^https?:$/.test(url.protocol) || !project.platforms.includes(url.hostname)) {
    throw invalidParam(
      name,
      `Invalid URI. Register your new client (${url?.hostname ?? 'unknown'}) as a new Web platform on your project console dashboard`,
    );
  }
};

const isProvider = (name: string): boolean => (KNOWN_OAUTH_PROVIDERS as readonly string[]).includes(name);

const callbackPath = (provider: string, projectId: string) =>
  `/v1/account/sessions/oauth2/callback/${provider}/${projectId}`;

interface FlowState {
  success: string;
  failure: string;
  token: boolean;
}

const parseState = (raw: string | undefined): FlowState | null => {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<FlowState>;
    if (typeof parsed.success === 'string' && typeof parsed.failure === 'string') {
      return { success: parsed.success, failure: parsed.failure, token: parsed.token === true };
    }
  } catch {
    // fall through
  }
  return null;
};

/** Appends query parameters to a URL, keeping its own query and fragment. */
const withParams = (target: string, params: Record<string, string>): string => {
  const url = new URL(target);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
};

const noStore = (c: Context) => {
  c.header('Cache-Control', 'no-store, no-cache, must-revalidate, max-age=0');
  c.header('Pragma', 'no-cache');
};

/**
 * Appwrite's side of the OAuth2 token flow: `createOAuth2Token` (301 to the provider), the
 * provider callback, and the redirect handler that mints a token and 301s to `success`.
 */
export const oauthRoutes = new Hono<EmulatorEnv>()
  .get(
    '/account/tokens/oauth2/:provider',
    guard({ scope: 'sessions.write', rateLimit: { limit: 50, window: HOUR, key: 'ip:{ip}' } }),
    async (c) => {
      const { project } = c.var;
      const provider = c.req.param('provider');
      if (!isProvider(provider)) {
        throw invalidParam('provider', `Value must be one of (${KNOWN_OAUTH_PROVIDERS.join(', ')})`);
      }
      const params = validate(await readParams(c), {
        success: { schema: v.text(2048), optional: true },
        failure: { schema: v.text(2048), optional: true },
      });
      if (!project.oauthProviders.includes(provider)) throw new AppwriteError('project_provider_disabled');
      const origin = publicOrigin(c);
      const success = params.success ?? `${origin}/console/auth/oauth2/success`;
      const failure = params.failure ?? `${origin}/console/auth/oauth2/failure`;
      if (params.success !== undefined) checkRedirect(project, 'success', success);
      if (params.failure !== undefined) checkRedirect(project, 'failure', failure);
      const url = new URL(`${origin}/_emulator/oauth2/${provider}/authorize`);
      url.searchParams.set('client_id', project.id);
      url.searchParams.set('redirect_uri', `${origin}${callbackPath(provider, project.id)}`);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('state', JSON.stringify({ success, failure, token: true }));
      const scopes = new URL(c.req.url).searchParams.getAll('scopes[]');
      if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
      noStore(c);
      return c.redirect(url.toString(), 301);
    },
  )
  .get(
    '/account/sessions/oauth2/:provider/redirect',
    guard({ scope: 'sessions.write', rateLimit: { limit: 50, window: HOUR, key: 'ip:{ip}' } }),
    async (c) => {
      const { project, emulator } = c.var;
      const provider = c.req.param('provider');
      const state = parseState(c.req.query('state'));
      if (!state) throw invalidParam('state', 'Value must be a valid JSON string');
      checkRedirect(project, 'success', state.success);
      checkRedirect(project, 'failure', state.failure);
      noStore(c);
      const fail = (type: ErrorType, message?: string) => {
        const error = new AppwriteError(type, message);
        return c.redirect(
          withParams(state.failure, {
            error: JSON.stringify({ message: error.message, type: error.type, code: error.code }),
          }),
          301,
        );
      };
      const providerError = c.req.query('error');
      if (providerError) {
        const description = c.req.query('error_description');
        return fail(
          'user_oauth2_provider_error',
          `The ${provider} OAuth2 provider returned an error: ${providerError}${description ? `: ${description}` : ''}`,
        );
      }
      const now = emulator.clock.now();
      const codeValue = c.req.query('code') ?? '';
      const code = emulator.state.oauthCodes.get(codeValue);
      emulator.state.oauthCodes.delete(codeValue);
      if (!code || code.expire < now || code.provider !== provider || code.projectId !== project.id) {
        return fail(
          'user_oauth2_unauthorized',
          'Failed to obtain access token: the authorization code is invalid or expired.',
        );
      }
      // A first sign-in with an unknown email creates the user, as with a real provider.
      let userId = project.emails.get(code.email);
      if (userId === undefined) {
        const user = newUser(uniqueId(now), now, {
          name: code.email.split('@')[0] ?? '',
          email: code.email,
          emailVerification: true,
          targets: emailTargets(code.email, now),
        });
        addUser(project, user);
        userId = user.id;
      }
      const user = project.users.get(userId);
      if (!user) return fail('user_not_found');
      if (!user.status) return fail('user_blocked');
      const secret = randomHex(32);
      user.tokens.push({
        id: uniqueId(now),
        createdAt: now,
        userId: user.id,
        secretHash: sha256(secret),
        expire: now + project.auth.duration * 1000,
        type: 'oauth2',
        provider,
      });
      const wrapped = await signJwt(emulator.jwtSecret, {
        secret,
        provider,
        exp: Math.floor(now / 1000) + TOKEN_JWT_TTL_SECONDS,
      });
      return c.redirect(withParams(state.success, { secret: wrapped, userId: user.id }), 301);
    },
  );

/** The provider's callback on Appwrite: forwards the code to the redirect handler (301), as Appwrite. */
export const oauthCallback = (c: Context<EmulatorEnv>) => {
  const provider = c.req.param('provider') ?? '';
  const projectId = c.req.param('projectId') ?? '';
  const target = new URL(`${publicOrigin(c)}/v1/account/sessions/oauth2/${provider}/redirect`);
  for (const [key, value] of new URL(c.req.url).searchParams) target.searchParams.append(key, value);
  target.searchParams.set('project', projectId);
  noStore(c);
  return c.redirect(target.toString(), 301);
};

const page = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; }
      label, input, button { display: block; font-size: 1rem; margin: 0.5rem 0; }
      input { width: 100%; padding: 0.4rem; }
      .buttons { display: flex; gap: 1rem; }
      .error { color: #b00020; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`;

interface ConsentFields {
  provider: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  email: string;
  error?: string;
}

const consentPage = (f: ConsentFields) =>
  page(
    `Sign in with ${f.provider}`,
    html`<h1>Sign in with ${f.provider}</h1>
      <p>This is the Appwrite emulator's built-in ${f.provider} provider. Project <strong>${f.clientId}</strong> asks to sign you in.</p>
      ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : ''}
      <form method="post" action="/_emulator/oauth2/${f.provider}/authorize">
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="email" value="${f.email}" />
        <input type="hidden" name="client_id" value="${f.clientId}" />
        <input type="hidden" name="redirect_uri" value="${f.redirectUri}" />
        <input type="hidden" name="state" value="${f.state}" />
        <input type="hidden" name="scope" value="${f.scope}" />
        <div class="buttons">
          <button type="submit" name="decision" value="allow">Allow</button>
          <button type="submit" name="decision" value="deny">Deny</button>
        </div>
      </form>`,
  );

/** Reads and checks the flow fields; the redirect URI must be this emulator's callback (no open redirect). */
const readFlow = (c: Context<EmulatorEnv>, fields: Record<string, unknown>): ConsentFields => {
  const provider = c.req.param('provider') ?? '';
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
  const clientId = text('client_id');
  const redirectUri = text('redirect_uri');
  const project = c.var.emulator.state.projects.get(clientId);
  if (!isProvider(provider))
    throw invalidParam('provider', `Value must be one of (${KNOWN_OAUTH_PROVIDERS.join(', ')})`);
  if (!project) throw new AppwriteError('project_not_found');
  if (!project.oauthProviders.includes(provider)) throw new AppwriteError('project_provider_disabled');
  if (redirectUri !== `${publicOrigin(c)}${callbackPath(provider, clientId)}`) {
    throw invalidParam('redirect_uri', 'The redirect URI is not registered for this client.');
  }
  return {
    provider,
    clientId,
    redirectUri,
    state: text('state'),
    scope: text('scope'),
    email: text('email'),
  };
};

/** The built-in provider's consent page: a plain form (no JavaScript) with Allow and Deny. */
export const providerRoutes = new Hono<EmulatorEnv>()
  .get('/oauth2/:provider/authorize', (c) => c.html(consentPage(readFlow(c, c.req.query()))))
  .post('/oauth2/:provider/authorize', async (c) => {
    const form = await readFormBody(c);
    const flow = readFlow(c, form);
    const back = new URL(flow.redirectUri);
    back.searchParams.set('state', flow.state);
    if (form.decision === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied the request');
      return c.redirect(back.toString(), 303);
    }
    if (form.decision !== 'allow') {
      return c.html(consentPage({ ...flow, error: 'Choose Allow or Deny.' }), 400);
    }
    const email = flow.email.trim().toLowerCase();
    if (!v.email.safeParse(email).success) {
      return c.html(consentPage({ ...flow, error: 'Enter a valid email address.' }), 400);
    }
    const code = randomHex(24);
    c.var.emulator.state.oauthCodes.set(code, {
      projectId: flow.clientId,
      provider: flow.provider,
      email,
      expire: c.var.emulator.clock.now() + CODE_TTL_SECONDS * 1000,
    });
    back.searchParams.set('code', code);
    return c.redirect(back.toString(), 303);
  });

/** Landing pages for flows started without `success`/`failure` (Appwrite's console defaults). */
export const consoleRoutes = new Hono<EmulatorEnv>()
  .get('/auth/oauth2/success', (c) =>
    c.html(page('Signed in', html`<h1>Signed in</h1><p>The OAuth2 flow succeeded.</p>`)),
  )
  .get('/auth/oauth2/failure', (c) =>
    c.html(page('Sign-in failed', html`<h1>Sign-in failed</h1><p>The OAuth2 flow failed.</p>`)),
  );
