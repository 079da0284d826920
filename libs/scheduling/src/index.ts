export * from './timers/timer-firing';
export * from './distribution/distributor';
export * from './partitions/partitions';
