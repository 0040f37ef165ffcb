/** HTTP status of an error thrown by the client (a ResponseError), if any. */
export function errorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Backend addresses are no help to a reader (and leak internals): they become words. */
function withoutUrls(text: string): string {
  return text.replace(/\b(?:https?|wss?):\/\/[^\s)'"]+/g, 'the backend');
}

/** The client's own wording of a status ("Request failed with 500 Internal Server Error"). */
const GENERIC = /^Request failed with \d{3}\b/;

/** The message of an error body (ResponseError puts the server's message in `body.error`). */
export function errorMessage(error: unknown): string {
  const body = (error as { body?: { error?: { message?: string } } } | null)
    ?.body;
  return withoutUrls(
    body?.error?.message ?? (error as Error | null)?.message ?? String(error),
  );
}

/** Whether the request never got an answer (backend down, network gone). */
function isNetworkError(error: unknown): boolean {
  if (errorStatus(error) !== undefined) return false;
  const message = (error as Error | null)?.message ?? '';
  return (
    error instanceof TypeError ||
    /failed to fetch|networkerror|network request failed|load failed|ECONNREFUSED/i.test(
      message,
    )
  );
}

/**
 * An error for people: what went wrong (`title`) and its cause in the backend's words when it
 * gave one (`cause`), never the client's "Request failed with 500 …" alone nor a raw URL.
 */
export function describeError(error: unknown): {
  title: string;
  cause: string;
} {
  if (isNetworkError(error)) {
    return {
      title: 'The autoscaling backend cannot be reached',
      cause:
        'No answer came back: the backend may be down or restarting, or the network is gone. Retry in a moment.',
    };
  }
  const status = errorStatus(error);
  const message = errorMessage(error);
  const detail =
    GENERIC.test(message) || /^internal server error$/i.test(message.trim())
      ? ''
      : message;
  if (status === 401 || status === 403) {
    return {
      title: 'You may not see this',
      cause: detail || 'Your sign-in does not give access to it.',
    };
  }
  if (status === 404) {
    return {
      title: 'Not found',
      cause: detail || 'It does not exist (any more).',
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      title: `The autoscaling backend failed (${status})`,
      cause: detail
        ? `Cause: ${detail}`
        : 'It gave no cause; its log has the details. Retry, and tell the platform team if it keeps failing.',
    };
  }
  if (status !== undefined) {
    return {
      title: `The request was refused (${status})`,
      cause: detail || 'The backend gave no cause.',
    };
  }
  return { title: 'Something went wrong', cause: detail || String(error) };
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
