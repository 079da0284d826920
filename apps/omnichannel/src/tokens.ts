/** Injection tokens for the ports the engine is wired with. */
export const CONFIG = Symbol('Config');
export const EVENT_STORE = Symbol('EventStore');
export const CLOCK = Symbol('Clock');
export const READ_MODEL_DB = Symbol('ReadModelDb');
