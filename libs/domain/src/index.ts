/**
 * The domain: pure TypeScript, no I/O, time passed in as data. Conversations (`decideConversation`,
 * `evolveConversation`, timers derived from state), agents and their capacity, workstreams and their defaults,
 * push distribution's choice of agent. The states, transitions (T1–T17), transfers (X1–X3), offers, wrap-up
 * and persistent-chat rules the code cites are explained in docs/lifecycle.md.
 */
export * from './shared/errors';
export * from './shared/time';
export * from './shared/supervisor';
export * from './channel/channel';
export * from './workstream/settings';
export * from './workstream/events';
export * from './workstream/defaults';
export * from './workstream/operating-hours';
export * from './queue/queue';
export * from './agent/events';
export * from './agent/state';
export * from './agent/capacity';
export * from './agent/commands';
export * from './agent/decide';
export * from './conversation/events';
export * from './conversation/state';
export * from './conversation/evolve';
export * from './conversation/commands';
export * from './conversation/decided';
export * from './conversation/decide';
export * from './conversation/fold';
export * from './conversation/timers';
export * from './distribution/choose-agent';
export * from './streams';
export * from './distribution/candidate-index';
