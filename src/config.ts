import { z } from 'zod';

/** The worker's environment. Errors name the bad keys, never their values. */
export const configSchema = z.object({
  APPWRITE_ENDPOINT: z.url({ protocol: /^https?$/ }),
  APPWRITE_PROJECT_ID: z.string().min(1),
  APPWRITE_API_KEY: z.string().min(1),
});

export type Config = z.infer<typeof configSchema>;

/** Parses the environment into a `Config`, throwing an error that lists the invalid keys only. */
export const parseConfig = (env: Record<string, unknown>): Config => {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const keys = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))];
    throw new Error(`Invalid configuration: ${keys.join(', ')} missing or malformed`);
  }
  return result.data;
};
