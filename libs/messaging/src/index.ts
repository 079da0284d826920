export * from './validation/validation';
export * from './validation/is-id';
export * from './channel-events/channel-event';
export * from './channel-events/channel-event.dto';
export * from './channel-events/parse-channel-event';
export * from './channel-events/to-command';
