/** @jsxImportSource hono/jsx */
// The server-rendered pages: plain HTML forms posting to /auth/*, no script, one stylesheet.
import type { Context } from 'hono';
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { Models } from 'node-appwrite';
import { errorMessage, isCredentialError } from './messages.ts';
import { STYLESHEET_PATH } from './styles.ts';

/** Renders a page (JSX element or component result) as a complete HTML document. */
export const renderPage = async (
  c: Context,
  page: Child | ReturnType<FC>,
  status: 200 | 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504 = 200,
): Promise<Response> => {
  const node = await page;
  const html =
    node === null || node === undefined
      ? ''
      : await (node as { toString(): string | Promise<string> }).toString();
  return c.html(`<!doctype html>${html}`, status);
};

const Layout: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · hono-appwrite`}</title>
      <link rel="stylesheet" href={STYLESHEET_PATH} />
    </head>
    <body>
      <header>
        <a href="/">hono-appwrite</a>
      </header>
      <main>
        <h1>{title}</h1>
        {children}
      </main>
    </body>
  </html>
);

/** An error the screen reader announces at once; fields point at it with `aria-describedby`. */
const Alert: FC<{ id: string; message: string | undefined }> = ({ id, message }) =>
  message ? (
    <p class="alert" role="alert" id={id}>
      {message}
    </p>
  ) : null;

const NextField: FC<{ next: string | undefined }> = ({ next }) =>
  next ? <input type="hidden" name="next" value={next} /> : null;

/** Email and password inputs with labels, autocomplete hints and the error wired to them. */
const CredentialFields: FC<{
  prefix: string;
  email: string | undefined;
  error: string | undefined;
  errorId: string;
  newPassword: boolean;
}> = ({ prefix, email, error, errorId, newPassword }) => {
  const invalid = error !== undefined;
  const focusPassword = isCredentialError(error) && Boolean(email);
  return (
    <>
      <label for={`${prefix}-email`}>Email</label>
      <input
        id={`${prefix}-email`}
        name="email"
        type="email"
        autocomplete={newPassword ? 'email' : 'username'}
        required
        maxlength={255}
        value={email ?? ''}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? errorId : undefined}
      />
      <label for={`${prefix}-password`}>Password</label>
      <input
        id={`${prefix}-password`}
        name="password"
        type="password"
        autocomplete={newPassword ? 'new-password' : 'current-password'}
        required
        minlength={8}
        maxlength={256}
        autofocus={focusPassword}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${errorId} ${prefix}-password-hint` : `${prefix}-password-hint`}
      />
      <p class="hint" id={`${prefix}-password-hint`}>
        {newPassword ? '8 to 256 characters.' : 'The password of your account.'}
      </p>
    </>
  );
};

const PROVIDER_NAMES: Record<string, string> = { github: 'GitHub', gitlab: 'GitLab', linkedin: 'LinkedIn' };
const providerName = (id: string) => PROVIDER_NAMES[id] ?? `${id.charAt(0).toUpperCase()}${id.slice(1)}`;

/** `?next=…` for links, when there is a target to carry. */
const nextQuery = (next: string | undefined) => (next ? `?${new URLSearchParams({ next })}` : '');

/** `GET /login`: email and password, guest, and one button per enabled OAuth provider. */
export const LoginPage: FC<{
  error: string | undefined;
  email: string | undefined;
  next: string | undefined;
  providers: readonly string[];
}> = ({ error, email, next, providers }) => (
  <Layout title="Sign in">
    <Alert id="login-error" message={errorMessage(error)} />
    <form class="card" method="post" action="/auth/login">
      <NextField next={next} />
      <CredentialFields
        prefix="login"
        email={email}
        error={error}
        errorId="login-error"
        newPassword={false}
      />
      <button type="submit">Sign in</button>
    </form>
    <section aria-labelledby="other-ways">
      <h2 id="other-ways">Other ways in</h2>
      <div class="actions">
        <form method="post" action="/auth/anonymous">
          <NextField next={next} />
          <button type="submit" class="secondary">
            Continue as guest
          </button>
        </form>
        {providers.map((provider) => (
          <a class="button secondary" href={`/auth/oauth/${provider}${nextQuery(next)}`}>
            Continue with {providerName(provider)}
          </a>
        ))}
      </div>
    </section>
    <p>
      New here? <a href={`/signup${nextQuery(next)}`}>Create an account</a>
    </p>
  </Layout>
);

/** `GET /signup`: name, email and password. */
export const SignupPage: FC<{
  error: string | undefined;
  email: string | undefined;
  next: string | undefined;
  loginPath: string;
}> = ({ error, email, next, loginPath }) => (
  <Layout title="Create an account">
    <Alert id="signup-error" message={errorMessage(error)} />
    <form class="card" method="post" action="/auth/signup">
      <NextField next={next} />
      <label for="signup-name">
        Name <span class="muted">(optional)</span>
      </label>
      <input id="signup-name" name="name" type="text" autocomplete="name" maxlength={128} />
      <CredentialFields prefix="signup" email={email} error={error} errorId="signup-error" newPassword />
      <button type="submit">Create account</button>
    </form>
    <p>
      Already have an account? <a href={`${loginPath}${nextQuery(next)}`}>Sign in</a>
    </p>
  </Layout>
);

/** `GET /` without a (working) session. */
export const SignedOutPage: FC<{ notice: string | undefined; loginPath: string }> = ({
  notice,
  loginPath,
}) => (
  <Layout title="You are signed out">
    <Alert id="home-error" message={errorMessage(notice)} />
    <p>Sign in to see who you are to Appwrite and the rows it lets you read.</p>
    <p class="actions">
      <a class="button" href={loginPath}>
        Sign in
      </a>
      <a class="button secondary" href="/signup">
        Create an account
      </a>
    </p>
  </Layout>
);

/** The rows of `HOME_TABLE` the user may read, or why they could not be read. */
export type TableView =
  | { tableId: string; rows: Models.DefaultRow[]; total: number }
  | { tableId: string; error: string };

const DATE_ONLY = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?(?:Z|\+00:00)$/;

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return DATE_ONLY.exec(value)?.[1] ?? value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

const Rows: FC<{ table: TableView }> = ({ table }) => {
  if ('error' in table) {
    // The type comes from Appwrite's answer, not the URL, so it may be shown for reference.
    return (
      <p class="alert">
        Could not read the table: {errorMessage(table.error)} <code>{table.error}</code>
      </p>
    );
  }
  if (table.rows.length === 0) return <p>Appwrite lets you read no rows of this table.</p>;
  // The table's own columns: everything but Appwrite's `$` attributes.
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row)))].filter(
    (key) => !key.startsWith('$'),
  );
  return (
    <table>
      <caption>
        {table.rows.length === table.total
          ? `${table.total} ${table.total === 1 ? 'row' : 'rows'}`
          : `${table.rows.length} of ${table.total} rows`}
      </caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col">{column}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => (
          <tr>
            {columns.map((column) => (
              <td>{cellText((row as Record<string, unknown>)[column])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/** `GET /` signed in: who you are, your rows, a JWT on request, sign out; guests may upgrade. */
export const HomePage: FC<{
  user: Models.User<Models.Preferences>;
  table: TableView | undefined;
  error: string | undefined;
  email: string | undefined;
}> = ({ user, table, error, email }) => {
  const guest = !user.email;
  const who = user.name || user.email || 'guest';
  return (
    <Layout title={`Signed in as ${who}`}>
      <section aria-labelledby="you">
        <h2 id="you">You</h2>
        <dl>
          <dt>Name</dt>
          <dd>{user.name || '—'}</dd>
          <dt>Email</dt>
          <dd>{user.email || 'none (guest account)'}</dd>
          <dt>User ID</dt>
          <dd>
            <code>{user.$id}</code>
          </dd>
        </dl>
        <div class="actions">
          <form method="post" action="/auth/jwt">
            <button type="submit">Get a JWT</button>
          </form>
          <form method="post" action="/auth/logout">
            <button type="submit" class="secondary">
              Sign out
            </button>
          </form>
        </div>
      </section>
      {table ? (
        <section aria-labelledby="rows">
          <h2 id="rows">Your rows</h2>
          <p class="muted">Read with your own session: Appwrite shows only the rows you may read.</p>
          <Rows table={table} />
        </section>
      ) : null}
      {guest ? (
        <form class="card" method="post" action="/auth/upgrade" aria-labelledby="upgrade">
          <h2 id="upgrade">Upgrade to a full account</h2>
          <p class="hint">
            You are a guest. Add an email and a password to keep this account: your user ID and your data
            stay.
          </p>
          <Alert id="upgrade-error" message={errorMessage(error)} />
          <CredentialFields
            prefix="upgrade"
            email={email}
            error={error}
            errorId="upgrade-error"
            newPassword
          />
          <button type="submit">Upgrade</button>
        </form>
      ) : (
        <Alert id="home-error" message={errorMessage(error)} />
      )}
    </Layout>
  );
};

/** The answer to the "Get a JWT" form: the caller's own JWT, to copy into an API client. */
export const JwtPage: FC<{ jwt: string; expire: string }> = ({ jwt, expire }) => (
  <Layout title="Your JWT">
    <p>
      Send it as <code>Authorization: Bearer &lt;JWT&gt;</code> to act as you. It is valid until{' '}
      <time datetime={expire}>
        {expire
          .replace('T', ' ')
          .replace(/\.\d+/, '')
          .replace(/(Z|\+00:00)$/, ' UTC')}
      </time>{' '}
      and stops working when you sign out. Treat it like a password.
    </p>
    <label for="jwt">JWT</label>
    <textarea id="jwt" readonly rows={6} spellcheck={false}>
      {jwt}
    </textarea>
    <p>
      <a href="/">Back</a>
    </p>
  </Layout>
);

/** An upstream failure on a page, in words, with Appwrite's code and type for reference. */
export const ErrorPage: FC<{ code: number; type: string }> = ({ code, type }) => (
  <Layout title="Something went wrong">
    <p class="alert" role="alert">
      {errorMessage(type)}
    </p>
    <p class="muted">
      {code} <code>{type}</code>
    </p>
    <p>
      <a href="/">Try again</a>
    </p>
  </Layout>
);
