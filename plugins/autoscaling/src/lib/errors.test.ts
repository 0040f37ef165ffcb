import { errorMessage, errorStatus, issuePathToFieldName } from './errors';

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

  it('turns server issue paths into field names', () => {
    expect(issuePathToFieldName('override.metrics[0].target.value')).toBe(
      'metrics.0.target.value',
    );
    expect(issuePathToFieldName('maxReplicas')).toBe('maxReplicas');
  });
});
