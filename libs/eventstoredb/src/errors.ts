import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
  convertToCommandError,
} from '@kurrent/kurrentdb-client';
import { ExpectedRevision, WrongExpectedRevisionError } from '#event-store';
import { toSafeNumber } from './event-mapping';
import { notLeaderOf } from './not-leader';

/** gRPC status codes that say "not now" (`@grpc/grpc-js` `status`): UNAVAILABLE, DEADLINE_EXCEEDED. */
const TRANSIENT_GRPC_CODES = new Set([14, 4]);

/**
 * The client converts most gRPC failures into its CommandError classes, but not all of them: a
 * refused connection on an append surfaces as a raw gRPC ServiceError (code 14, seen with 1.3.1),
 * so both shapes are recognised here.
 */
export function normalize(error: unknown): unknown {
  return error instanceof Error ? convertToCommandError(error) : error;
}

/**
 * The server could not be reached or did not answer in time, or the node is not the leader: the
 * caller may retry.
 */
export function isUnavailable(error: unknown): boolean {
  const e = normalize(error);
  if (notLeaderOf(e)) return true;
  if (
    e instanceof UnavailableError ||
    e instanceof DeadlineExceededError ||
    e instanceof TimeoutError ||
    e instanceof CancelledError ||
    e instanceof NotLeaderError
  ) {
    return true;
  }
  if (
    typeof e === 'object' &&
    e !== null &&
    'code' in e &&
    TRANSIENT_GRPC_CODES.has((e as { code: unknown }).code as number)
  ) {
    return true;
  }
  // Gossip discovery (`kurrentdb+discover://`) gives up with a plain Error.
  return e instanceof Error && /^Failed to discover after \d+ attempts/.test(e.message);
}

export function isStreamNotFound(error: unknown): boolean {
  return normalize(error) instanceof StreamNotFoundError;
}

export function isUnsupported(error: unknown): error is UnsupportedError {
  return normalize(error) instanceof UnsupportedError;
}

/**
 * The client's wrong-expected-version error as the port's, or undefined for any other error.
 * `expectedFor` gives the revision the caller asked for (more precise than the server's echo).
 */
export function toWrongExpectedRevision(
  error: unknown,
  expectedFor: (streamId: string) => ExpectedRevision | undefined,
): WrongExpectedRevisionError | undefined {
  const e = normalize(error);
  if (!(e instanceof WrongExpectedVersionError)) return undefined;
  const actual = e.actualState === 'no_stream' ? 'no_stream' : toSafeNumber(e.actualState, 'stream revision');
  const expected = expectedFor(e.streamName) ?? fromClientExpected(e.expectedState);
  return new WrongExpectedRevisionError(e.streamName, expected, actual);
}

function fromClientExpected(state: WrongExpectedVersionError['expectedState']): ExpectedRevision {
  if (typeof state === 'bigint') return toSafeNumber(state, 'stream revision');
  // The port has no "stream_exists"; it never asks for it, so this only covers foreign callers.
  return state === 'no_stream' ? 'no_stream' : 'any';
}
