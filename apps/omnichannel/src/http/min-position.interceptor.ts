import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { EventStore } from '#event-store';
import { ProjectionRunner } from '#read-models';
import { EVENT_STORE } from '../engine/tokens';

/** How long a read waits for the read models to reach `X-Min-Position` before answering 503. */
const MAX_WAIT_MS = 10_000;

/** Read-your-writes: a query with `X-Min-Position: n` answers only once the read models include position n. */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const header = context.switchToHttp().getRequest<Request>().header('x-min-position');
    if (header === undefined) return next.handle();
    const position = Number(header);
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new BadRequestException({
        message: 'X-Min-Position must be a non-negative integer store position',
        field: 'X-Min-Position',
      });
    }
    return from(this.reachable(position)).pipe(
      switchMap(() => this.runner.waitFor(position, MAX_WAIT_MS)),
      switchMap((reached) => {
        if (!reached)
          throw new ServiceUnavailableException(`read models have not reached position ${position} yet; retry`);
        return next.handle();
      }),
    );
  }

  /** A position past the store's head was never answered to anyone: waiting for it would only end in a 503. */
  private async reachable(position: number): Promise<void> {
    if (position <= this.runner.position) return;
    const head = await this.store.headPosition();
    if (position > head) {
      throw new BadRequestException({
        message: `X-Min-Position ${position} is past the store's newest position ${head}`,
        field: 'X-Min-Position',
      });
    }
  }
}
