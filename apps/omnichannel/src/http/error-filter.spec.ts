import { Logger } from '@nestjs/common';
import { DomainError } from '#domain';
import { errorAnswer } from './error-filter';

const logger = () => {
  const errors: unknown[][] = [];
  return { errors, logger: { error: (...args: unknown[]) => errors.push(args) } as unknown as Logger };
};

describe('errorAnswer', () => {
  it('answers a bug 500 without its details, and logs it with the id of the request it failed', () => {
    const { errors, logger: log } = logger();
    const bug = new TypeError('x is undefined');
    expect(errorAnswer(bug, log, 'request-3')).toEqual({ statusCode: 500, body: { message: 'internal error' } });
    expect(errors).toEqual([[{ reqId: 'request-3', err: bug }, 'internal error']]);
  });

  it('logs nothing for a refusal: the request line says it', () => {
    const { errors, logger: log } = logger();
    const refusal = new DomainError('not_allowed', 'not now');
    expect(errorAnswer(refusal, log, 'request-4').statusCode).toBe(409);
    expect(errors).toEqual([]);
  });
});
