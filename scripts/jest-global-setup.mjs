// Jest's globalSetup: when TEST_DATABASE_URL / TEST_REDIS_URL are unset and nothing answers on
// 127.0.0.1:5432 / 6379, start a Postgres and a redis-server for this run (packages/local-stack) and
// hand their URLs to the test workers through the environment. The built local-stack is loaded only
// then, so a machine with its own Postgres and Redis needs no build for a single `npx jest file`.
import process from 'node:process';
import { answersOn } from './test-service-probe.mjs';

export default async function setup() {
  const needed =
    (!process.env.TEST_DATABASE_URL && !(await answersOn(5432))) ||
    (!process.env.TEST_REDIS_URL && !(await answersOn(6379)));
  if (!needed) return;
  let openTestServices;
  try {
    ({ openTestServices } = await import('@platen/local-stack'));
  } catch (error) {
    throw new Error(
      `nothing answers on 127.0.0.1:5432 or 6379 and packages/local-stack is not built (${error.message}): run npm test, or npm run build first`,
    );
  }
  const log = (line) => process.stderr.write(`test services: ${line}\n`);
  const services = await openTestServices({ env: process.env, log });
  // Workers start after this and inherit the environment; globalTeardown reads the handle.
  Object.assign(process.env, services.env);
  globalThis.platenTestServices = services;
}
