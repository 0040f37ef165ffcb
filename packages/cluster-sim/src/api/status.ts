/** Kubernetes `Status` error bodies and the error type handlers throw. */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(
  code: number,
  reason: StatusReason | undefined,
  message: string,
  details?: StatusDetails,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
}

export const notFound = (
  qualified: string,
  name: string,
  group = '',
  kind?: string,
): ApiError =>
  new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: kind ?? qualified.split('.')[0],
  });

export const conflict = (
  qualified: string,
  name: string,
  group = '',
  kind?: string,
): ApiError =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: group || undefined, kind: kind ?? qualified.split('.')[0] },
  );

export const alreadyExists = (
  qualified: string,
  name: string,
  group = '',
  kind?: string,
): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: kind ?? qualified.split('.')[0],
  });

export const badRequest = (message: string): ApiError =>
  new ApiError(400, 'BadRequest', message);

export const invalid = (
  kind: string,
  name: string,
  causes: { field: string; message: string }[],
  group = '',
): ApiError =>
  new ApiError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes
      .map(c => `${c.field}: ${c.message}`)
      .join(', ')}`,
    {
      name,
      group: group || undefined,
      kind,
      causes: causes.map(c => ({
        reason: 'FieldValueInvalid',
        message: c.message,
        field: c.field,
      })),
    },
  );
