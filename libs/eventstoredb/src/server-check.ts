/** What the client learns from the server's `ServerFeatures` service (`dist/Client/ServerFeatures.js`). */
export interface ServerCapabilities {
  readonly serverVersion: string;
  supports(method: { path: string }): boolean;
}

/** The multi-stream append RPC; client 1.3.1 asks for exactly this path before `multiStreamAppend`. */
export const APPEND_SESSION = '/kurrentdb.protocol.v2.streams.StreamsService/AppendSession';
export const MINIMUM_SERVER_VERSION = '25.1';

/** The server cannot run this adapter; retrying will not help. */
export class UnsupportedServerError extends Error {
  constructor(readonly serverVersion: string) {
    super(
      `KurrentDB ${serverVersion === 'unknown' ? '(version not reported)' : serverVersion} has no atomic multi-stream ` +
        `append (AppendSession): this event store needs KurrentDB ${MINIMUM_SERVER_VERSION} or later. A command decides a ` +
        'conversation and its agents’ capacity together and writes them in one atomic append; EventStoreDB 23.x/24.x and ' +
        `KurrentDB before ${MINIMUM_SERVER_VERSION} cannot write several streams atomically.`,
    );
    this.name = 'UnsupportedServerError';
  }
}

/**
 * Fails unless the server offers `AppendSession`, judged as the client itself judges it before a
 * multi-stream append (`dist/streams/appendToStream/index.js`: `supports(appendSession)`, else
 * `UnsupportedError('multiStreamAppend', '25.1')`). A server without the `ServerFeatures` service
 * reports version "unknown" and no methods (`ServerFeatures.js`), so it fails too.
 */
export async function assertSupportedServer(capabilities: Promise<ServerCapabilities>): Promise<void> {
  const features = await capabilities;
  if (!features.supports({ path: APPEND_SESSION })) throw new UnsupportedServerError(features.serverVersion);
}
