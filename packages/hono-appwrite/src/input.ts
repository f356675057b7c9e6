import type { Context } from 'hono';
import type * as z from 'zod/mini';
import { AppwriteHttpError, errors } from './errors.ts';
import { isFormPost } from './redirects.ts';

/** Appwrite's wording for a bad parameter: "Invalid `email` param: …". */
export const describeIssue = (error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): string => {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') || 'body';
  return `Invalid \`${path}\` param: ${issue?.message ?? 'invalid value'}`;
};

/**
 * Reads a JSON or HTML-form body and validates it with `schema`. Bad JSON, other content types and
 * invalid fields are 400/415 Appwrite-shaped errors; the body is never echoed back.
 */
export const readInput = async <S extends z.ZodMiniType>(c: Context, schema: S): Promise<z.output<S>> => {
  const type = c.req.header('Content-Type')?.toLowerCase() ?? '';
  let raw: unknown;
  if (type.startsWith('application/json')) {
    try {
      raw = await c.req.json();
    } catch {
      throw errors.invalidArgument('The request body is not valid JSON.');
    }
  } else if (isFormPost(c)) {
    try {
      raw = await c.req.parseBody();
    } catch {
      throw errors.invalidArgument('The request body is not a valid form.');
    }
  } else if (type === '' && (c.req.header('Content-Length') ?? '0') === '0') {
    raw = {};
  } else {
    throw new AppwriteHttpError(
      415,
      'general_unsupported_media_type',
      'Send application/json or an HTML form (application/x-www-form-urlencoded, multipart/form-data).',
    );
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw errors.invalidArgument(describeIssue(result.error));
  return result.data;
};
