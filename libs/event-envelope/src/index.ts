export * from './envelope';
export * from './upcasting';
export * from './channel-event-marker';
