/**
 * What a failed Kubernetes API call becomes before it leaves the cluster client: a short
 * message naming the cluster, the operation and the upstream status (or network error code),
 * with an HTTP status for the route's answer, and nothing of the raw client error (its
 * message carries the upstream body and headers, its properties the headers again).
 *
 * - no answer (connection refused, reset, DNS, timeout) and 429/503/504: 503, retry later
 * - any other unexpected answer (5xx, 401/403 for the autoscaler's own credentials): 502
 * - 404: NotFoundError, the workload is not in the cluster
 * - 409 on writes stays ScaleConflictError (KubernetesClusterClient)
 */
import { CustomErrorBase, NotFoundError } from '@backstage/errors';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A Kubernetes API call failed; `statusCode` is what the backend answers (502 or 503). */
export class ClusterApiError extends CustomErrorBase {
  name = 'ClusterApiError' as const;
  /** Read by the Backstage error handler for the response status. */
  readonly statusCode: 502 | 503;
  /** The upstream HTTP status, when the API server answered. */
  readonly upstreamStatus?: number;

  constructor(
    message: string,
    statusCode: 502 | 503,
    upstreamStatus?: number,
    original?: unknown,
  ) {
    super(message);
    this.statusCode = statusCode;
    this.upstreamStatus = upstreamStatus;
    // Kept for server-side debugging only: not enumerable, so never serialised into a response.
    Object.defineProperty(this, 'original', {
      value: original,
      enumerable: false,
    });
  }
}

/** The HTTP status of a client-node ApiException, or undefined. */
export function upstreamStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code <= 599
    ? code
    : undefined;
}

/** A node/node-fetch system error code such as ECONNREFUSED, or undefined. */
function networkCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, name, type } = error as {
    code?: unknown;
    name?: unknown;
    type?: unknown;
  };
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code))
    return code;
  if (name === 'AbortError' || type === 'request-timeout') return 'TIMEOUT';
  return undefined;
}

/**
 * The error to throw for a failed call of `operation` (e.g. `reading the scale of
 * Deployment acme/checkout-api`) on `cluster`. Errors that are already ours pass through.
 */
export function clusterError(
  error: unknown,
  cluster: string,
  operation: string,
): Error {
  if (error instanceof ClusterApiError || error instanceof NotFoundError)
    return error;
  const status = upstreamStatusOf(error);
  if (status === 404) {
    return new NotFoundError(
      `${operation} in cluster "${cluster}": not found (404)`,
    );
  }
  if (status !== undefined) {
    const unavailable = status === 429 || status === 503 || status === 504;
    const reason = REASONS[status] ? ` ${REASONS[status]}` : '';
    return new ClusterApiError(
      `Kubernetes API of cluster "${cluster}" failed ${operation}: it answered ${status}${reason}${
        unavailable ? '; try again shortly' : ''
      }`,
      unavailable ? 503 : 502,
      status,
      error,
    );
  }
  const network = networkCodeOf(error);
  return new ClusterApiError(
    `Kubernetes API of cluster "${cluster}" is unreachable ${operation}${
      network ? ` (${network})` : ''
    }; try again shortly`,
    503,
    undefined,
    error,
  );
}
