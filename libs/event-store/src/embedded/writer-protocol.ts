/**
 * Messages between the store (main thread) and its writer thread. Plain data only: they are
 * structured-cloned, so errors travel as descriptions and are rebuilt on the main thread.
 */

export interface WriterOptions {
  file: string;
  pragmas: readonly string[];
}

/** An event ready for its row: data and metadata already serialised by the caller's thread. */
export type WireEvent = [eventId: string, type: string, data: string, metadata: string];

export interface WireRequest {
  streamId: string;
  expectedRevision: number | 'no_stream' | 'any';
  events: WireEvent[];
}

/** One append: its requests succeed or fail together. */
export type WireAppend = WireRequest[];

export type WireError =
  | { kind: 'wrong_revision'; streamId: string; expected: number | 'no_stream' | 'any'; actual: number | 'no_stream' }
  | { kind: 'error'; name: string; code?: string; message: string };

export type WireOutcome = { result: { position: number; revisions: Record<string, number> } } | { error: WireError };

/** The writer's answer to one group: an outcome per append, or the failure of the whole group. */
export type GroupCommitted = { outcomes: WireOutcome[] } | { failed: WireError };

/** The main thread sends groups (arrays of appends), then `close` once nothing more will come. */
export type WriterMessage = WireAppend[] | 'close';
