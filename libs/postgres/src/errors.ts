import { EventStoreUnavailableError } from '#event-store';

/**
 * SQLSTATE classes and codes that say "not now" rather than "never" (PostgreSQL Appendix A):
 * connection exceptions (08), insufficient resources (53), operator intervention (57: shutdown,
 * crash, cannot connect now, and 57014, a statement cancelled by statement_timeout), and the
 * serialisation failures a retry resolves (40001, 40P01).
 */
const TRANSIENT_SQLSTATE = /^(08|53|57|40001$|40P01$)/;
/** Socket-level failures of the client (no SQLSTATE). */
const TRANSIENT_NODE_CODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres reports these without a code. */
const TRANSIENT_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|Client was closed|Cannot use a pool after calling end/i;

/** The server could not be reached, went away, or did not answer in time: the caller may retry. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE_CODE.has(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && TRANSIENT_MESSAGE.test(message);
}

/** Credentials and URLs never leave the adapter: errors, logs and /health see them redacted. */
export function redact(text: string): string {
  return text
    .replace(/postgres(?:ql)?:\/\/[^\s'"]*/gi, 'postgres://[redacted]')
    .replace(/password=\S+/gi, 'password=[redacted]');
}

export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return redact(String(error));
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return redact(`${error.message}${cause}`);
}

/** The port's error for a server that is away, naming the store, with the driver's error as its cause. */
export function unavailable(what: string, error: unknown): EventStoreUnavailableError {
  const cause = error instanceof EventStoreUnavailableError && error.cause !== undefined ? error.cause : error;
  return new EventStoreUnavailableError(`PostgreSQL: ${what} (${messageOf(cause)})`, cause);
}
