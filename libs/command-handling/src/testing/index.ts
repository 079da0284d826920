export * from './capacity-invariants';
export * from './engine';
export * from './prng';
