import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { AppwriteHttpError } from 'hono-appwrite';
import type * as z from 'zod/mini';

/** Appwrite's wording for a bad parameter: "Invalid `name` param: …" (the value is never echoed). */
const describeIssue = (error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): string => {
  const issue = error.issues[0];
  return `Invalid \`${issue?.path.map(String).join('.') || 'body'}\` param: ${issue?.message ?? 'invalid value'}`;
};

/**
 * `zValidator` whose failures are Appwrite-shaped 400 `general_argument_invalid` errors naming the
 * parameter (never echoing its value), thrown to the app's `onError` like every other error.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodMiniType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new AppwriteHttpError(400, 'general_argument_invalid', describeIssue(result.error));
    }
  });
