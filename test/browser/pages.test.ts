// The server-rendered pages in a real browser: Debian's Chromium through playwright-core, with the
// worker at http://127.0.0.1:<port> and the emulator at http://localhost:<port> — two different
// sites, as in production, so SameSite rules apply across the OAuth redirect chain. Pages run with
// JavaScript disabled: they must work without it.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type AppwriteEmulator, startAppwriteEmulator } from 'appwrite-emulator';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium, screenshot } from '../support/browser.ts';
import { API_KEY, BIRTHDAYS, DATABASE, PROJECT, ROOMY_RATE_LIMITS } from '../support/demo.ts';
import { uniqueEmail } from '../support/scenario.ts';
import { type SpawnedServer, startScript } from '../support/servers.ts';

const executable = chromiumPath();
if (!executable && process.env.CI) {
  throw new Error("Chromium not found: .ci/run installs Debian's chromium package (or set CHROMIUM_PATH).");
}
if (!executable) {
  console.warn('Skipping the browser suite: no Chromium at /usr/bin/chromium (apt-get install chromium).');
}

const RUNTIMES = [
  { name: 'Node', slug: 'node', script: 'start' },
  { name: 'Bun', slug: 'bun', script: 'start:bun' },
  { name: 'Deno', slug: 'deno', script: 'start:deno' },
  { name: 'workerd (wrangler dev)', slug: 'workerd', script: 'dev:worker' },
] as const;

const SESSION_COOKIE = `a_session_${PROJECT}`;
type AxeViolation = { id: string; nodes: { target: string[] }[] };
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
beforeAll(async () => {
  if (executable) browser = await launchChromium(executable);
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

/** A page from a second loopback origin that auto-submits a form to the worker (CSRF attempt). */
const startAttacker = async (): Promise<{ server: Server; port: number }> => {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://attacker.invalid');
    const action = url.searchParams.get('action') ?? '';
    const fields = [...url.searchParams.entries()]
      .filter(([key]) => key !== 'action')
      .map(([key, value]) => `<input type="hidden" name="${key}" value="${value}">`)
      .join('');
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      `<!doctype html><title>free prizes</title><form id="f" method="post" action="${action}">${fields}</form>` +
        `<script>document.getElementById('f').submit()</script>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
};

describe.skipIf(!executable).each(RUNTIMES)('pages in Chromium on $name', { timeout: 60_000 }, (runtime) => {
  let emulator: AppwriteEmulator;
  let worker: SpawnedServer;
  let attacker: { server: Server; port: number };
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    emulator = await startAppwriteEmulator({ hostname: 'localhost' });
    attacker = await startAttacker();
    // The default configuration: only what the deployment must say, no cookie or origin settings;
    // rate limits roomy enough for a suite that signs in from 127.0.0.1 again and again.
    worker = await startScript(runtime.script, {
      APPWRITE_ENDPOINT: emulator.endpoint,
      APPWRITE_PROJECT_ID: PROJECT,
      APPWRITE_API_KEY: API_KEY,
      OAUTH_PROVIDERS: 'github',
      HOME_TABLE: `${DATABASE}/${BIRTHDAYS}`,
      ...ROOMY_RATE_LIMITS,
    });
    expect(new URL(worker.base).hostname).toBe('127.0.0.1');
    expect(new URL(emulator.endpoint).hostname).toBe('localhost');
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await emulator?.stop();
    await new Promise((resolve) => attacker?.server.close(resolve));
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    // CSP violations and failed loads show up here: the pages must need nothing the CSP forbids.
    expect(consoleErrors.splice(0)).toEqual([]);
  });

  /** A fresh browser profile (own cookie jar); JavaScript off unless a test needs it. */
  const newPage = async (javaScriptEnabled = false): Promise<Page> => {
    const context = await browser.newContext({ javaScriptEnabled });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      // Our pages only: the emulator's consent page is not under test here.
      if (message.type() === 'error' && message.location().url.startsWith(worker.base)) {
        consoleErrors.push(`${message.location().url}: ${message.text()}`);
      }
    });
    return page;
  };

  const url = (path: string) => `${worker.base}${path}`;
  /**
   * Saves a screenshot of one of our pages and checks it with axe-core (WCAG 2.1 A/AA and best
   * practice). axe needs timers, which do not run with JavaScript off, so it checks a copy of the
   * page's HTML served at the same URL (same stylesheet) in a script-enabled context.
   */
  const shot = async (page: Page, name: string) => {
    await screenshot(page, runtime.slug, name);
    if (!page.url().startsWith(worker.base)) return;
    const html = await page.content();
    const context = await browser.newContext();
    try {
      const copy = await context.newPage();
      await copy.route(page.url(), (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: html }),
      );
      await copy.goto(page.url());
      await copy.evaluate(axeSource);
      const violations = await copy.evaluate(async () => {
        const { axe } = globalThis as unknown as {
          axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> };
        };
        const result = await axe.run(document, {
          runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        });
        return result.violations.map(
          (v) => `${v.id}: ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`,
        );
      });
      expect(violations, `axe-core on ${name}`).toEqual([]);
    } finally {
      await context.close();
    }
  };
  const heading = (page: Page) => page.locator('h1').textContent();
  const rowNames = (page: Page) => page.locator('tbody tr td:first-child').allTextContents();
  const sessionCookie = async (page: Page) =>
    (await page.context().cookies(worker.base)).find((cookie) => cookie.name === SESSION_COOKIE);

  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(url('/login'));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(url('/'));
  };

  it('1. signs up, lands on / signed in, stays signed in on reload; the cookie is invisible to scripts', async () => {
    const page = await newPage();
    const email = uniqueEmail('browser');
    await page.goto(url('/'));
    expect(await heading(page)).toBe('You are signed out');
    await shot(page, 'home-signed-out');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(url('/signup'));
    await shot(page, 'signup');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(url('/'));
    expect(await heading(page)).toBe('Signed in as Ada Lovelace');
    await expect.poll(() => page.getByText(email).count()).toBe(1);
    await page.reload();
    expect(await heading(page)).toBe('Signed in as Ada Lovelace');

    const cookie = await sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    // Scripts on the page cannot read it (evaluated through DevTools, as page scripts would run).
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
    expect(await page.evaluate(() => document.cookie)).not.toContain(cookie?.value ?? '');
  });

  it('2. lists exactly the rows Appwrite lets each user read: user-a Kevin, user-b Laura', async () => {
    const a = await newPage();
    await signIn(a, 'user-a@example.com', 'password-a');
    expect(await heading(a)).toBe('Signed in as User A');
    expect(await rowNames(a)).toEqual(['Kevin']);
    await shot(a, 'home-user-a');

    const b = await newPage();
    await signIn(b, 'user-b@example.com', 'password-b');
    expect(await rowNames(b)).toEqual(['Laura']);
    // user-a's page is still user-a's: the two sessions do not mix.
    await a.reload();
    expect(await rowNames(a)).toEqual(['Kevin']);
  });

  it('mints a JWT from the page that works as a Bearer token for its owner', async () => {
    const page = await newPage();
    await signIn(page, 'user-a@example.com', 'password-a');
    await page.getByRole('button', { name: 'Get a JWT' }).click();
    expect(await heading(page)).toBe('Your JWT');
    const jwt = (await page.getByLabel('JWT').inputValue()).trim();
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    await shot(page, 'jwt');
    const me = await fetch(url('/me'), { headers: { authorization: `Bearer ${jwt}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { $id: string }).$id).toBe('user-a');
  });

  it('3. signs out: back to signed out, and the old cookie no longer works against /me', async () => {
    const page = await newPage();
    await signIn(page, 'user-a@example.com', 'password-a');
    const old = await sessionCookie(page);
    expect(old).toBeDefined();
    const before = await fetch(url('/me'), { headers: { cookie: `${SESSION_COOKIE}=${old?.value}` } });
    expect(before.status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(url('/'));
    expect(await heading(page)).toBe('You are signed out');
    expect(await sessionCookie(page)).toBeUndefined();
    const after = await fetch(url('/me'), { headers: { cookie: `${SESSION_COOKIE}=${old?.value}` } });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: 401 });
  });

  it('4. continues as guest, then upgrades: same user id, now with an email', async () => {
    const page = await newPage();
    await page.goto(url('/login'));
    await page.getByRole('button', { name: 'Continue as guest' }).click();
    await page.waitForURL(url('/'));
    expect(await heading(page)).toBe('Signed in as guest');
    const guestId = await page.locator('dd code').textContent();
    expect(guestId).toMatch(/^[a-zA-Z0-9]/);
    // The guest can read no row of the demo table (its rows belong to user-a/b/c).
    expect(await rowNames(page)).toEqual([]);
    await shot(page, 'home-guest');

    const email = uniqueEmail('upgraded');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Upgrade' }).click();
    await page.waitForURL(url('/'));
    expect(await heading(page)).toBe(`Signed in as ${email}`);
    expect(await page.locator('dd code').textContent()).toBe(guestId);
    expect(await page.getByRole('button', { name: 'Upgrade' }).count()).toBe(0);
  });

  it('5a. OAuth: Allow on the provider page lands on / signed in on the first page load', async () => {
    const page = await newPage();
    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Continue with GitHub' }).click();
    await page.waitForURL((target) => target.host === new URL(emulator.origin).host);
    await shot(page, 'oauth-consent');
    const email = uniqueEmail('oauth');
    await page.getByLabel('Email').fill(email);
    const landing = page.waitForResponse((response) => response.url() === url('/'));
    await page.getByRole('button', { name: 'Allow' }).click();
    // The very first load of / (after the callback's redirect) already carries the session.
    const first = await landing;
    expect(first.status()).toBe(200);
    // The emulator names OAuth users after their email's local part, as providers give a name.
    const name = email.split('@')[0];
    expect(await first.text()).toContain(`<h1>Signed in as ${name}</h1>`);
    expect(page.url()).toBe(url('/'));
    expect(await heading(page)).toBe(`Signed in as ${name}`);
    expect(await page.getByText(email).count()).toBe(1);
    // The one-time OAuth state cookie is gone.
    const names = (await page.context().cookies(worker.base)).map((cookie) => cookie.name);
    expect(names).toEqual([SESSION_COOKIE]);
  });

  it('5b. OAuth: Deny on the provider page returns to the login page with the error', async () => {
    const page = await newPage();
    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Continue with GitHub' }).click();
    await page.waitForURL((target) => target.host === new URL(emulator.origin).host);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((target) => target.href.startsWith(url('/login')));
    expect(await page.getByRole('alert').textContent()).toBe(
      'Sign-in with the provider was cancelled or refused.',
    );
    expect(await sessionCookie(page)).toBeUndefined();
    await shot(page, 'login-oauth-denied');
  });

  describe('6. a page on a second loopback origin that auto-submits a form', () => {
    const attackUrl = (host: string, action: string, fields: Record<string, string>) =>
      `http://${host}:${attacker.port}/?${new URLSearchParams({ action: url(action), ...fields })}`;

    /** Opens the attacker's page in the victim's browser (same cookie jar) and returns the worker's answer. */
    const attack = async (
      victim: Page,
      host: string,
      action: string,
      fields: Record<string, string> = {},
    ) => {
      const tab = await victim.context().newPage();
      const answer = tab.waitForResponse((response) => response.url() === url(action));
      await tab.goto(attackUrl(host, action, fields));
      const response = await answer;
      expect(response.request().method()).toBe('POST');
      expect(response.request().headers().origin).toBe(`http://${host}:${attacker.port}`);
      const body = (await response.json()) as { type: string };
      await tab.close();
      return { status: response.status(), type: body.type };
    };

    // 127.0.0.1:<other port> is the same site (Lax cookies are sent along); localhost is another site.
    it.each(['127.0.0.1', 'localhost'])(
      'from %s to /auth/logout: rejected, the user stays signed in',
      async (host) => {
        const victim = await newPage(true); // JavaScript on: the attacker's page needs it to auto-submit.
        await signIn(victim, 'user-a@example.com', 'password-a');
        const before = await sessionCookie(victim);

        expect(await attack(victim, host, '/auth/logout')).toEqual({
          status: 403,
          type: 'general_unknown_origin',
        });

        await victim.goto(url('/'));
        expect(await heading(victim)).toBe('Signed in as User A');
        expect((await sessionCookie(victim))?.value).toBe(before?.value);
        const me = await fetch(url('/me'), { headers: { cookie: `${SESSION_COOKIE}=${before?.value}` } });
        expect(me.status).toBe(200);
      },
    );

    it.each(['127.0.0.1', 'localhost'])(
      'from %s to /auth/login: rejected, no session is planted',
      async (host) => {
        const victim = await newPage(true);
        const fields = { email: 'user-b@example.com', password: 'password-b' };
        expect(await attack(victim, host, '/auth/login', fields)).toEqual({
          status: 403,
          type: 'general_unknown_origin',
        });
        expect(await victim.context().cookies(worker.base)).toEqual([]);
        await victim.goto(url('/'));
        expect(await heading(victim)).toBe('You are signed out');
      },
    );
  });

  it('7. a wrong password shows an inline error and keeps the typed email', async () => {
    const page = await newPage();
    await page.goto(url('/login'));
    await shot(page, 'login');
    // Keyboard order follows the reading order: header, the form, the other ways in, sign-up.
    const focused: string[] = [];
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      focused.push(
        await page.evaluate(
          () => document.activeElement?.id || document.activeElement?.textContent?.trim() || '',
        ),
      );
    }
    expect(focused).toEqual([
      'hono-appwrite',
      'login-email',
      'login-password',
      'Sign in',
      'Continue as guest',
      'Continue with GitHub',
      'Create an account',
    ]);
    await page.getByLabel('Email').fill('user-a@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(url('/login?error=user_invalid_credentials'));
    expect(await page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    expect(await page.getByLabel('Email').inputValue()).toBe('user-a@example.com');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    // Focus is on the field to fix, which names the error as its description.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-password');
    expect(await page.getByLabel('Password').getAttribute('aria-describedby')).toContain('login-error');
    // The email travelled in a one-minute httpOnly cookie, not in the URL; it is read once.
    expect(page.url()).not.toContain('user-a');
    expect(await sessionCookie(page)).toBeUndefined();
    await shot(page, 'login-wrong-password');
    await page.reload();
    expect(await page.getByLabel('Email').inputValue()).toBe('');
  });
});

// The reason the session cookie defaults to SameSite=Lax, shown in the browser: with Strict, the
// first page after the provider's cross-site "Allow" arrives without the cookie. This also proves
// the suite's two sites are really two sites: on one site, Strict would look fine.
describe.skipIf(!executable)(
  'SameSite=Strict across the OAuth redirect chain (Node)',
  { timeout: 60_000 },
  () => {
    let emulator: AppwriteEmulator;
    let worker: SpawnedServer;

    beforeAll(async () => {
      emulator = await startAppwriteEmulator({ hostname: 'localhost' });
      worker = await startScript('start', {
        APPWRITE_ENDPOINT: emulator.endpoint,
        APPWRITE_PROJECT_ID: PROJECT,
        APPWRITE_API_KEY: API_KEY,
        OAUTH_PROVIDERS: 'github',
        SESSION_COOKIE_SAMESITE: 'Strict',
        ...ROOMY_RATE_LIMITS,
      });
    }, 60_000);

    afterAll(async () => {
      await worker?.stop();
      await emulator?.stop();
    });

    it('lands signed out on the first load, signed in only after another navigation', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto(`${worker.base}/login`);
        await page.getByRole('link', { name: 'Continue with GitHub' }).click();
        await page.waitForURL((target) => target.host === new URL(emulator.origin).host);
        await page.getByLabel('Email').fill(uniqueEmail('strict'));
        const landing = page.waitForResponse((response) => response.url() === `${worker.base}/`);
        await page.getByRole('button', { name: 'Allow' }).click();
        expect(await (await landing).text()).toContain('<h1>You are signed out</h1>');
        // The cookie was stored all along; a same-site navigation sends it.
        await page.goto(`${worker.base}/`);
        expect(await page.locator('h1').textContent()).toMatch(/^Signed in as strict-/);
      } finally {
        await context.close();
      }
    });
  },
);
