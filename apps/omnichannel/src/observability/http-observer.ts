import { Injectable } from '@nestjs/common';
import { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { InFlight } from './in-flight';
import { Metrics } from './metrics';

/**
 * Times every HTTP request by its route template (`/conversations/:id`, never the raw path) and keeps count of
 * those in flight, so a clean shutdown can let them finish before the server drops its connections.
 */
@Injectable()
export class HttpObserver {
  private readonly inFlight = new InFlight();

  constructor(private readonly metrics: Metrics) {}

  /** A Fastify onRequest hook. */
  readonly onRequest = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const end = this.metrics.httpDuration.startTimer();
    // An event stream (the dashboard's) lasts as long as its subscriber: nothing for a shutdown to wait for.
    const work = request.headers.accept !== 'text/event-stream';
    if (work) this.inFlight.enter();
    const response = reply.raw;
    // A client should take its next request elsewhere: this process is going away.
    if (this.inFlight.closing) response.setHeader('Connection', 'close');
    response.once('close', () => {
      end({ method: request.method, route: routeOf(request), status: String(response.statusCode) });
      if (work) this.inFlight.leave();
    });
    done();
  };

  /** Resolves true once no request is in flight, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.inFlight.close(timeoutMs);
  }
}

/** The matched route's template; requests that matched no route share one label. */
const routeOf = (request: FastifyRequest): string =>
  (request.is404 ? undefined : request.routeOptions.url) ?? 'unmatched';
