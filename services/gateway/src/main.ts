// The gateway process: read config once, start serving, and on SIGTERM/SIGINT stop accepting,
// finish in-flight requests, close Redis and Postgres, exit 0.
import { gatewayConfigSchema, parseEnvOrExit } from '@platen/config';
import { createLogger } from '@platen/http';
import { startGateway } from './gateway.js';

/** After this, a shutdown that is still waiting on something gives up and exits non-zero. */
const SHUTDOWN_DEADLINE_MS = 15_000;

const config = parseEnvOrExit(gatewayConfigSchema, process.env, 'gateway');
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });

try {
  const gateway = await startGateway(config, { logger });
  logger.info({ port: gateway.port, host: config.HOST }, 'gateway listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'gateway shutting down');
    setTimeout(() => {
      logger.error('shutdown deadline passed: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    gateway.close().then(
      () => {
        logger.info('gateway stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'gateway shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}
