import { convertToCommandError } from '@kurrent/kurrentdb-client';
import { convertBridgeError } from '@kurrent/kurrentdb-client/dist/utils/convertBridgeError';
import type { Endpoint } from '../not-leader';

/**
 * Errors as the real client hands them to the adapter, built from what the server puts on the
 * wire and passed through the client's own converters, so the simulation cannot flatter the
 * adapter: gRPC calls (appends, subscriptions) through `convertToCommandError`
 * (`dist/utils/CommandError.js`); reads, which client 1.3.1 sends over its Rust bridge, through
 * `convertBridgeError` (`dist/utils/convertBridgeError.js`), which goes by the bridge error's name.
 */

/** gRPC status codes (`@grpc/grpc-js` `status`). */
export const GRPC = {
  DEADLINE_EXCEEDED: 4,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const STATUS_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(GRPC).map(([name, code]) => [code, name]),
);

/** The subset of grpc-js `Metadata` the client's converters call. */
class Trailers {
  constructor(private readonly values: Record<string, Buffer>) {}
  get(key: string): Buffer[] {
    return key in this.values ? [this.values[key]] : [];
  }
  getMap(): Record<string, Buffer> {
    return { ...this.values };
  }
}

/** A gRPC ServiceError as grpc-js rejects with, `google.rpc.Status` details in the trailer. */
export function grpcError(code: number, message: string, details: Uint8Array[] = []): Error {
  const status = Buffer.concat([
    field(1, varint(code), 0),
    field(2, Buffer.from(message)),
    ...details.map((detail) => field(3, detail)),
  ]);
  const trailers: Record<string, Buffer> = details.length > 0 ? { 'grpc-status-details-bin': status } : {};
  return Object.assign(new Error(`${code} ${STATUS_NAMES[code]}: ${message}`), {
    code,
    details: message,
    metadata: new Trailers(trailers),
  });
}

/** `google.protobuf.Any`, packed the way .NET's `Any.Pack` names types. */
export function any(typeName: string, value: Uint8Array): Uint8Array {
  return Buffer.concat([field(1, Buffer.from(`type.googleapis.com/${typeName}`)), field(2, value)]);
}

/**
 * A follower refusing a multi-stream append: `ApiErrors.NotLeaderNode` (KurrentDB
 * `src/KurrentDB.Api.V2/Modules/ApiErrors.cs`) through `RpcExceptions.FromError`, which puts an
 * `ErrorInfo` first (reason and domain from `proto/kurrent/rpc/errors.proto`'s
 * `SERVER_ERROR_NOT_LEADER_NODE`, a FAILED_PRECONDITION). The client makes it an `UnknownError`.
 */
export function notLeaderError(leader: Endpoint): Error {
  const nodeInfo = Buffer.concat([
    field(1, Buffer.from(leader.host)),
    field(2, varint(leader.port), 0),
    field(3, Buffer.from('5ad1e4b0-8a4b-4d28-9a6c-41d0b1b4b0c1')),
  ]);
  const message =
    'The server is not the leader node and cannot handle the request. Please retry your request against the ' +
    `leader node directly at ${leader.host}:${leader.port}`;
  return convertToCommandError(
    grpcError(GRPC.FAILED_PRECONDITION, message, [
      any(
        'google.rpc.ErrorInfo',
        Buffer.concat([field(1, Buffer.from('NOT_LEADER_NODE')), field(2, Buffer.from('server'))]),
      ),
      any('kurrent.rpc.NotLeaderNodeErrorDetails', field(1, nodeInfo)),
    ]),
  ) as Error;
}

/**
 * The server refusing a stream twice in one append session: `StreamAlreadyInAppendSession`
 * (`src/KurrentDB.Api.V2/Modules/Streams/ApiErrors.cs`, ABORTED in
 * `proto/kurrentdb/protocol/v2/streams/errors.proto`). The client names every ABORTED without
 * transaction-size details a `TimeoutError`.
 */
export function streamAlreadyInAppendSessionError(stream: string): Error {
  return convertToCommandError(
    grpcError(
      GRPC.ABORTED,
      `Stream '${stream}' is already part of this append session. Appending to the same stream multiple times is currently not supported.`,
      [
        any('google.rpc.ErrorInfo', Buffer.concat([field(1, Buffer.from('STREAM_ALREADY_IN_APPEND_SESSION'))])),
        any(
          'kurrentdb.protocol.v2.streams.errors.StreamAlreadyInAppendSessionErrorDetails',
          field(1, Buffer.from(stream)),
        ),
      ],
    ),
  ) as Error;
}

/** An unreachable server on a gRPC call (subscriptions, appends), as the client converts it. */
export function grpcUnavailable(message = 'No connection established'): Error {
  return convertToCommandError(grpcError(GRPC.UNAVAILABLE, message)) as Error;
}

/**
 * A failed read on the client's Rust bridge: a plain Error whose `name` is one of the bridge's
 * (`StreamNotFoundError`, `UnavailableError`, `DeadlineExceededError`, `NotLeaderError`,
 * `AccessDeniedError`, `StreamDeletedError`, `UnknownError`, `ParseError`), converted by name.
 */
export function bridgeError(name: string, message: string, streamName?: string): Error {
  return convertBridgeError(Object.assign(new Error(message), { name, metadata: {} }), streamName);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** One protobuf field: length-delimited (wire type 2) unless `wireType` 0 (an encoded varint). */
function field(number: number, value: Uint8Array, wireType: 0 | 2 = 2): Buffer {
  const key = varint(number * 8 + wireType);
  return wireType === 0 ? Buffer.concat([key, value]) : Buffer.concat([key, varint(value.length), value]);
}
