import { Injectable } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
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

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const end = this.metrics.httpDuration.startTimer();
    // An event stream (the dashboard's) lasts as long as its subscriber: nothing for a shutdown to wait for.
    const work = req.headers.accept !== 'text/event-stream';
    if (work) this.inFlight.enter();
    // A client should take its next request elsewhere: this process is going away.
    if (this.inFlight.closing) res.setHeader('Connection', 'close');
    res.once('close', () => {
      end({ method: req.method, route: routeOf(req), status: String(res.statusCode) });
      if (work) this.inFlight.leave();
    });
    next();
  };

  /** Resolves true once no request is in flight, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.inFlight.close(timeoutMs);
  }
}

/** The matched route's template; requests that matched no route share one label. */
const routeOf = (req: Request): string => {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
};
