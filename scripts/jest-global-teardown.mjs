// Jest's globalTeardown: stops the Postgres and redis-server globalSetup started, if it started any.
export default async function teardown() {
  await globalThis.platenTestServices?.close();
}
