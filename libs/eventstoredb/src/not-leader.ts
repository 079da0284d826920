/** A cluster node's gRPC endpoint, as the server names its leader. */
export interface Endpoint {
  host: string;
  port: number;
}

/** `google.rpc.Status` travels in this trailer; the v2 API puts its error details there. */
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const FAILED_PRECONDITION = 9;
const NOT_LEADER_DETAILS_TYPE = 'kurrent.rpc.NotLeaderNodeErrorDetails';

/**
 * The leader a follower names when it refuses a multi-stream append, or undefined for any other
 * error. KurrentDB 25.1+ answers `AppendSession` on a follower with FAILED_PRECONDITION whose
 * `google.rpc.Status` details are `[ErrorInfo{reason: NOT_LEADER_NODE}, NotLeaderNodeErrorDetails]`
 * (`src/KurrentDB.Api.V2/Modules/ApiErrors.cs` NotLeaderNode, `Infrastructure/Errors/RpcExceptions.cs`,
 * `proto/kurrent/rpc/errors.proto`). Client 1.3.1 knows none of these types: `convertToCommandError`
 * (`dist/utils/CommandError.js`) turns it into an `UnknownError` keeping the gRPC error as `_raw`,
 * and the client neither reconnects nor retries. The follower wrote nothing (`ApiCallback.cs`:
 * a `NotHandled` reply), so the append may be sent again to the leader.
 */
export function notLeaderOf(error: unknown): Endpoint | undefined {
  const grpc = grpcErrorOf(error);
  if (grpc?.code !== FAILED_PRECONDITION) return undefined;
  const [status] = grpc.metadata?.get?.(STATUS_DETAILS_KEY) ?? [];
  if (!(status instanceof Uint8Array)) return undefined;
  try {
    return leaderIn(status);
  } catch {
    // Details that do not parse are not the not-leader shape.
    return undefined;
  }
}

function leaderIn(status: Uint8Array): Endpoint | undefined {
  for (const detail of fieldsOf(status, 3)) {
    const any = new Map(decode(detail));
    const typeUrl = any.get(1);
    const value = any.get(2);
    if (!(typeUrl instanceof Uint8Array) || !(value instanceof Uint8Array)) continue;
    if (!text(typeUrl).endsWith(`/${NOT_LEADER_DETAILS_TYPE}`)) continue;
    const [leader] = fieldsOf(value, 1);
    if (!leader) return undefined;
    const [host] = fieldsOf(leader, 1);
    const port = new Map(decode(leader)).get(2);
    if (!host || typeof port !== 'number') return undefined;
    return { host: text(host), port };
  }
  return undefined;
}

/**
 * The connection string aimed at one node, the leader a follower named: its hosts replaced by that
 * node, gossip discovery dropped, credentials and options kept. The client does the same when a v1
 * call answers "not leader" (`dist/Client/index.js`: handleError, then resolveUri takes the leader's
 * endpoint).
 */
export function atEndpoint(connectionString: string, { host, port }: Endpoint): string {
  const match = /^([a-z]+)(?:\+discover)?:\/\/(?:([^@/?]*)@)?[^/?]*(.*)$/i.exec(connectionString);
  if (!match) throw new Error('unexpected KurrentDB connection string');
  const [, scheme, credentials, rest] = match;
  return `${scheme}://${credentials ? `${credentials}@` : ''}${host}:${port}${rest}`;
}

interface GrpcError {
  code?: unknown;
  metadata?: { get?: (key: string) => unknown[] };
}

/** The gRPC error itself, or the one a client CommandError wraps (`_raw`). */
function grpcErrorOf(error: unknown): GrpcError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const raw = (error as { _raw?: unknown })._raw;
  return (typeof raw === 'object' && raw !== null ? raw : error) as GrpcError;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function fieldsOf(message: Uint8Array, field: number): Uint8Array[] {
  return decode(message)
    .filter(([number, value]) => number === field && value instanceof Uint8Array)
    .map(([, value]) => value as Uint8Array);
}

/**
 * The protobuf wire format, just enough for these few messages: varints (ports) and
 * length-delimited fields (strings, bytes, nested messages); fixed-width fields are skipped.
 */
function decode(message: Uint8Array): [number, number | Uint8Array][] {
  const fields: [number, number | Uint8Array][] = [];
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (offset >= message.length) throw new RangeError('truncated protobuf varint');
      const byte = message[offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (offset < message.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        fields.push([field, varint()]);
        break;
      case 1:
        offset += 8;
        break;
      case 2: {
        const length = varint();
        if (offset + length > message.length) throw new RangeError('truncated protobuf field');
        fields.push([field, message.subarray(offset, offset + length)]);
        offset += length;
        break;
      }
      case 5:
        offset += 4;
        break;
      default:
        throw new RangeError(`unsupported protobuf wire type ${key & 7}`);
    }
  }
  return fields;
}
