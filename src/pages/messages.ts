/**
 * What the pages say for an error `type` carried back in `?error=` (the `/auth/*` routes send form
 * posts back with it). Only known types get their own words; the text is never taken from the URL.
 */
const MESSAGES: Record<string, string> = {
  user_invalid_credentials: 'Wrong email or password.',
  user_blocked: 'This account is blocked.',
  general_rate_limit_exceeded: 'Too many attempts. Wait a while, then try again.',
  general_service_unavailable: 'Sign-in is unavailable right now. Try again shortly.',
  user_already_exists: 'An account with this email already exists. Sign in instead.',
  user_email_already_exists: 'An account with this email already exists.',
  general_argument_invalid: 'Enter a valid email address and a password of 8 to 256 characters.',
  user_password_personal_data: 'Choose a password that does not contain your name or email.',
  user_oauth2_provider_error: 'Sign-in with the provider was cancelled or refused.',
  user_oauth2_unauthorized: 'Sign-in with the provider was cancelled or refused.',
  user_oauth2_bad_request: 'Sign-in with the provider failed. Try again.',
  user_oauth2_state_invalid: 'That sign-in was not started in this browser, or it took too long. Try again.',
  project_provider_disabled: 'This sign-in provider is not enabled.',
  user_unauthorized: 'Your session has ended. Sign in again.',
  user_not_guest: 'This account already has an email address.',
  upstream_unavailable: 'The sign-in service is unavailable right now. Try again shortly.',
  upstream_timeout: 'The sign-in service did not answer in time. Try again shortly.',
  upstream_invalid_response: 'The sign-in service gave an unexpected answer. Try again shortly.',
};

/**
 * A readable sentence for an error type from the query string; `undefined` when there is none.
 * Anyone can link to a page with `?error=` of their choosing, so an unknown type is never echoed:
 * it gets the generic sentence.
 */
export const errorMessage = (type: string | undefined): string | undefined => {
  if (!type) return undefined;
  // Own keys only: `?error=constructor` (or toString, __proto__…) must not find Object.prototype's.
  return (Object.hasOwn(MESSAGES, type) ? MESSAGES[type] : undefined) ?? 'Something went wrong. Try again.';
};

/** Error types caused by the password (or the email/password pair): focus goes to that field. */
export const isCredentialError = (type: string | undefined): boolean =>
  type === 'user_invalid_credentials' || type === 'general_argument_invalid';
