import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type * as z from 'zod/mini';
import { errors } from './errors.ts';
import { describeIssue } from './input.ts';

/**
 * `zValidator` whose failures are Appwrite-shaped 400 `general_argument_invalid` errors naming the
 * parameter (never echoing its value), thrown to the app's `onError` like every other error.
 */
export const validate = <Target extends keyof ValidationTargets, Schema extends z.ZodMiniType>(
  target: Target,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw errors.invalidArgument(describeIssue(result.error));
  });
