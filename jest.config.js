/**
 * Three levels, one run in CI: `unit` (pure specs, seconds), `int` (a real store or broker in the
 * process, `*.int.spec.ts`) and `e2e` (the built service and the Kafka broker, under `test/`).
 * `npm run test:unit` runs the first alone.
 */
const base = {
  testEnvironment: 'node',
  // Each file compiled on its own (isolatedModules in tsconfig.base.json): fast; `npm run typecheck` checks types.
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The `#lib` names of package.json `imports`, resolved to the TypeScript sources.
  moduleNameMapper: {
    '^#([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^#([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing/index.ts',
  },
};

module.exports = {
  testTimeout: 30000,
  // After the usual list, the closing line `npm test` ends with (infra/jest-closing-line.cjs).
  reporters: ['default', '<rootDir>/infra/jest-closing-line.cjs'],
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps'],
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$'],
    },
    { ...base, displayName: 'int', roots: ['<rootDir>/libs', '<rootDir>/apps'], testMatch: ['**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.spec.ts'] },
  ],
};
