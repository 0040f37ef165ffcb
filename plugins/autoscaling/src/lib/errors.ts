/** HTTP status of an error thrown by the client (a ResponseError), if any. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The message of an error body (ResponseError puts the server's message in `body.error`). */
export function errorMessage(error: unknown): string {
  const body = (error as { body?: { error?: { message?: string } } } | null)
    ?.body;
  return (
    body?.error?.message ?? (error as Error | null)?.message ?? String(error)
  );
}

/**
 * A server issue path ("override.metrics[0].target" or "metrics.0.target") as a form field name
 * ("metrics.0.target").
 */
export function issuePathToFieldName(path: string): string {
  return path
    .replace(/^override\./, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
}
