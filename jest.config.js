/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // @kubernetes/client-node 1.x ships ES modules; the gate loads only its self-contained model files.
    'client-node/dist/gen/models/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@kubernetes/client-node/dist/gen/models/)'],
  modulePathIgnorePatterns: ['<rootDir>/.tools/', '<rootDir>/dist/'],
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  // One TMPDIR per run; the run fails when a test leaves anything in it.
  globalSetup: '<rootDir>/test/temp-root/setup.js',
  globalTeardown: '<rootDir>/test/temp-root/teardown.js',
};
