import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses a request body; the error names each bad field and why. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues
      .map(issue => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid request body: ${details}`);
  }
  return parsed.data;
}
