export * from './distribution-engine';
