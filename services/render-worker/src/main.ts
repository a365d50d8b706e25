// The render-worker process: read config once, start the worker (and its metrics listener), and on
// SIGTERM/SIGINT finish or hand back the current jobs, close everything, exit 0.
import { parseEnvOrExit, renderWorkerConfigSchema, renderWorkerSlots } from '@platen/config';
import { createLogger } from '@platen/http';
import { startRenderService } from './render-service.js';

/** Jobs get this long to finish on shutdown before they are handed back to the queue. */
const SHUTDOWN_GRACE_MS = 20_000;
/** After this, a shutdown that is still waiting on something gives up and exits non-zero. */
const SHUTDOWN_DEADLINE_MS = 28_000;

// The one hand-over of the environment to packages/config.
const config = parseEnvOrExit(renderWorkerConfigSchema, process.env, 'render-worker');
const logger = createLogger({ name: 'render-worker', level: config.LOG_LEVEL });

try {
  const service = await startRenderService(config, { logger });
  const slots = renderWorkerSlots(config);
  logger.info(
    {
      concurrency: slots.compose,
      job_slots: slots.jobs,
      account_jobs: slots.perAccount,
      metrics_host: config.METRICS_HOST,
      metrics_port: service.metricsPort,
    },
    'render-worker started',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'render-worker shutting down');
    setTimeout(() => {
      logger.error('shutdown deadline passed: exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    service.close(SHUTDOWN_GRACE_MS).then(
      () => {
        logger.info('render-worker stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'render-worker shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  logger.fatal({ err: error }, 'render-worker failed to start');
  process.exit(1);
}
