import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyConflictError } from '#command-handling';
import { DomainError, DomainErrorKind } from '#domain';
import { EventStoreUnavailableError } from '#event-store';

/** Shared with the command log, which reports the status a refusal answers with. */
export const DOMAIN_ERROR_STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  not_allowed: HttpStatus.CONFLICT,
};

const ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Every error answers `{ statusCode, error, message }` (contract section 3), plus the fields that explain it. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { statusCode, body } = errorAnswer(exception, this.logger, http.getRequest<FastifyRequest | undefined>()?.id);
    void reply.code(statusCode).send({ statusCode, error: ERROR_NAMES[statusCode] ?? 'Error', ...body });
  }
}

/**
 * The status and body an error answers with; shared with the bulk endpoint, which answers one per item. An
 * internal error is logged, with the id of the request it failed.
 */
export const errorAnswer = (
  exception: unknown,
  logger: Logger,
  requestId: string | undefined,
): { statusCode: number; body: Record<string, unknown> & { message?: unknown } } => {
  if (exception instanceof DomainError) {
    const { message, statusReason, field } = exception;
    return {
      statusCode: DOMAIN_ERROR_STATUS[exception.kind],
      body: { message, ...(statusReason && { statusReason }), ...(field && { field }) },
    };
  }
  if (exception instanceof ConcurrencyConflictError) {
    return { statusCode: HttpStatus.CONFLICT, body: { message: exception.message } };
  }
  if (exception instanceof EventStoreUnavailableError) {
    return { statusCode: 503, body: { message: `the event store is unavailable: ${exception.message}` } };
  }
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const body = typeof response === 'object' ? (response as Record<string, unknown>) : { message: response };
    const { statusCode: _code, error: _error, ...rest } = body;
    return { statusCode: exception.getStatus(), body: rest };
  }
  // Errors from the HTTP layer itself (body too large, not JSON, aborted request) carry their 4xx status.
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { statusCode: status, body: { message: (exception as Error).message } };
  }
  logger.error(
    exception instanceof Error ? { reqId: requestId, err: exception } : { reqId: requestId, reason: String(exception) },
    'internal error',
  );
  return { statusCode: 500, body: { message: 'internal error' } };
};
