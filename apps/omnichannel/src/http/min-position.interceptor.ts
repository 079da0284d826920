import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { ProjectionRunner } from '#read-models';

/** How long a read waits for the read models to reach `X-Min-Position` before answering 503. */
const MAX_WAIT_MS = 10_000;

/** Read-your-writes: a query with `X-Min-Position: n` answers only once the read models include position n. */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(private readonly runner: ProjectionRunner) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['x-min-position'];
    if (header === undefined) return next.handle();
    // Decimal digits only: Number() would also read "0x10", "1e3" or " 7" as positions nobody was answered.
    const position = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : NaN;
    if (!Number.isSafeInteger(position)) {
      throw new BadRequestException({
        message: 'X-Min-Position must be a non-negative integer store position',
        field: 'X-Min-Position',
      });
    }
    return from(this.runner.waitFor(position, MAX_WAIT_MS)).pipe(
      switchMap((reached) => {
        if (!reached)
          throw new ServiceUnavailableException(`read models have not reached position ${position} yet; retry`);
        return next.handle();
      }),
    );
  }
}
