export * from './envelope';
export * from './upcasting';
export * from './channel-event-marker';
export * from './sole-owner-lease';
