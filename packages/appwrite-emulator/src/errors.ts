/**
 * Appwrite error types the emulator can raise, with the HTTP status and default message of
 * Appwrite 1.9.x. `test/emulator/errors.test.ts` checks every entry against Appwrite's own table.
 */
export const ERROR_TYPES = {
  general_unknown: [500, 'An unknown error has occurred. Please check the logs for more information.'],
  general_argument_invalid: [
    400,
    'The request contains one or more invalid arguments. Please refer to the endpoint documentation.',
  ],
  general_route_not_found: [
    404,
    'Route not found. Please ensure the endpoint is configured correctly and that the API route is valid for this SDK version. Refer to the API docs for more details.',
  ],
  general_unauthorized_scope: [
    401,
    'The current user or API key does not have the required scopes to access the requested resource.',
  ],
  general_rate_limit_exceeded: [
    429,
    'Rate limit for the current endpoint has been exceeded. Please try again after some time.',
  ],
  general_query_invalid: [400, "The query's syntax is invalid. Please check the query and try again."],
  general_unknown_origin: [
    403,
    'The request originated from an unknown origin. If you trust this domain, please list it as a trusted platform in the Appwrite console.',
  ],
  general_bad_request: [
    400,
    'There was an error processing your request. Please check the inputs and try again.',
  ],
  project_not_found: [
    404,
    'Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project header to ensure the correct project ID is being used.',
  ],
  project_key_expired: [
    401,
    'The project key has expired. Please generate a new key using the Appwrite console.',
  ],
  project_provider_disabled: [
    412,
    'The chosen OAuth provider is disabled. You can enable the OAuth provider using the Appwrite console.',
  ],
  project_invalid_success_url: [400, 'Invalid redirect URL for OAuth success.'],
  project_invalid_failure_url: [400, 'Invalid redirect URL for OAuth failure.'],
  user_unauthorized: [401, 'The current user is not authorized to perform the requested action.'],
  user_invalid_credentials: [401, 'Invalid credentials. Please check the email and password.'],
  user_invalid_token: [401, 'Invalid token passed in the request.'],
  user_jwt_invalid: [
    401,
    'The JWT token is invalid. Please check the value of the X-Appwrite-JWT header to ensure the correct token is being used.',
  ],
  user_jwt_and_cookie_set: [
    403,
    'JWT and cookie used in the same request. Use either `setJWT` or `setCookie`. Learn about which authentication method to use in the SSR docs: https://appwrite.io/docs/products/auth/server-side-rendering',
  ],
  user_blocked: [403, 'The current user has been blocked.'],
  user_already_exists: [409, 'A user with the same id, email, or phone already exists in this project.'],
  user_email_already_exists: [409, 'A user with the same email already exists in the current project.'],
  user_not_found: [404, 'User with the requested ID could not be found.'],
  user_session_not_found: [404, 'The current user session could not be found.'],
  user_session_already_exists: [401, 'Creation of a session is prohibited when a session is active.'],
  user_oauth2_unauthorized: [401, 'OAuth2 provider rejected the unauthorized request.'],
  user_oauth2_provider_error: [424, 'OAuth2 provider returned some error.'],
  database_not_found: [404, "Database with the requested ID '%s' could not be found."],
  table_not_found: [404, "Table with the requested ID '%s' could not be found."],
  row_not_found: [404, "Row with the requested ID '%s' could not be found."],
  row_already_exists: [
    409,
    "Row with the requested ID '%s' already exists. Try again with a different ID or use ID.unique() to generate a unique ID.",
  ],
  row_invalid_structure: [
    400,
    'The row structure is invalid. Please ensure the columns match the table definition.',
  ],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorType = keyof typeof ERROR_TYPES;

/** The version the emulator reports in error bodies and `/v1/health/version`. */
export const APPWRITE_VERSION = '1.9.6';

/** An Appwrite error: rendered as `{message, code, type, version}` with `code` as the status. */
export class AppwriteError extends Error {
  readonly type: ErrorType;
  readonly code: number;

  /**
   * @param type an Appwrite error type.
   * @param message replaces the default description; a `%s` in the default is filled with `arg`.
   */
  constructor(type: ErrorType, message?: string, arg?: string) {
    const [code, description] = ERROR_TYPES[type];
    // A replacer function, so `$&` and friends in a user-supplied ID are inserted literally.
    super(message ?? (arg === undefined ? description : description.replace('%s', () => arg)));
    this.name = 'AppwriteError';
    this.type = type;
    this.code = code;
  }

  toJSON(): { message: string; code: number; type: ErrorType; version: string } {
    return { message: this.message, code: this.code, type: this.type, version: APPWRITE_VERSION };
  }
}

/** Appwrite's parameter validation error for a missing required parameter. */
export const missingParam = (name: string): AppwriteError =>
  new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);

/** Appwrite's parameter validation error for a present but invalid parameter. */
export const invalidParam = (name: string, description: string): AppwriteError =>
  new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${description}`);
