// The emulator's OAuth consent page, driven like a browser without JavaScript (shared by suites).
import { expect } from 'vitest';

/** The consent form's hidden fields (client_id, redirect_uri, state, scope), HTML entities decoded. */
export const hiddenFields = (html: string): Record<string, string> =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
      m[1],
      (m[2] ?? '')
        .replaceAll('&quot;', '"')
        .replaceAll('&amp;', '&')
        .replaceAll('&#39;', "'")
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>'),
    ]),
  );

/** Submits the consent form like a browser without JavaScript would, returning the final redirect target. */
export const consent = async (
  authorizeUrl: string,
  fields: { email?: string; decision: 'allow' | 'deny' },
) => {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const hidden = hiddenFields(html);
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '', authorizeUrl);
  let response = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, email: fields.email ?? '', decision: fields.decision }),
  });
  // Follow the provider → Appwrite callback → redirect handler chain, stopping at the app's URL.
  let location = '';
  for (let hop = 0; hop < 5 && [301, 302, 303].includes(response.status); hop++) {
    location = response.headers.get('location') ?? '';
    if (!location.includes('/v1/account/sessions/oauth2/')) break;
    response = await fetch(location, { redirect: 'manual' });
  }
  return { response, location, html };
};
