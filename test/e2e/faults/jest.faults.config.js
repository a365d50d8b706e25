// The long fault tests (*.fault.ts), run by `npm run test:faults`, one file at a time (each starts
// a whole stack; two at once would measure each other). Reuses the root config's e2e project, so
// TypeScript and @platen/* imports resolve exactly as in the normal run.
import rootConfig from '../../../jest.config.js';

const e2e = rootConfig.projects.find((project) => project.displayName === 'e2e');

export default {
  ...e2e,
  displayName: 'faults',
  rootDir: '../..',
  testMatch: ['<rootDir>/e2e/faults/**/*.fault.ts'],
  maxWorkers: 1,
  testTimeout: 600_000,
};
