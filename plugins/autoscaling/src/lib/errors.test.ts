import {
  describeError,
  errorMessage,
  errorStatus,
  issuePathToFieldName,
} from './errors';

const responseError = (status: number, statusText: string, message?: string) =>
  Object.assign(new Error(`Request failed with ${status} ${statusText}`), {
    statusCode: status,
    body: message ? { error: { name: 'Error', message } } : undefined,
  });

describe('errors', () => {
  it('reads status and message of response errors', () => {
    const error = Object.assign(new Error('Request failed with 409 Conflict'), {
      statusCode: 409,
      body: { error: { name: 'ConflictError', message: 'stale version 3' } },
    });
    expect(errorStatus(error)).toBe(409);
    expect(errorMessage(error)).toBe('stale version 3');
    expect(errorStatus(new Error('x'))).toBeUndefined();
    expect(errorMessage(new Error('x'))).toBe('x');
  });

  it('describes errors with their cause, never the client wording alone nor a URL', () => {
    expect(
      describeError(
        responseError(500, 'Internal Server Error', 'database is locked'),
      ),
    ).toEqual({
      title: 'The autoscaling backend failed (500)',
      cause: 'Cause: database is locked',
    });
    const bare = describeError(responseError(502, 'Bad Gateway'));
    expect(bare.title).toBe('The autoscaling backend failed (502)');
    expect(bare.cause).toMatch(/gave no cause/);
    expect(bare.cause).not.toMatch(/Request failed/);
    expect(describeError(new TypeError('Failed to fetch'))).toEqual({
      title: 'The autoscaling backend cannot be reached',
      cause: expect.stringMatching(/Retry/),
    });
    const network = describeError(
      new Error(
        'NetworkError when fetching http://localhost:7007/api/autoscaling/workloads',
      ),
    );
    expect(network.title).toBe('The autoscaling backend cannot be reached');
    expect(JSON.stringify(network)).not.toMatch(/http|7007/);
    expect(
      errorMessage(
        new Error('connect ECONNREFUSED at http://10.0.0.1:7007/api/x'),
      ),
    ).toBe('connect ECONNREFUSED at the backend');
    expect(
      describeError(responseError(403, 'Forbidden', 'not a tenant admin')),
    ).toEqual({
      title: 'You may not see this',
      cause: 'not a tenant admin',
    });
  });

  it('turns server issue paths into field names', () => {
    expect(issuePathToFieldName('override.metrics[0].target.value')).toBe(
      'metrics.0.target.value',
    );
    expect(issuePathToFieldName('maxReplicas')).toBe('maxReplicas');
  });
});
