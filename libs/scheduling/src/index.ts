export * from './timers/timer-firing';
export * from './distribution/distributor';
