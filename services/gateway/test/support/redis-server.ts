// A private redis-server child process, so a test can kill Redis without touching the machine's
// shared one. No persistence: a restart comes back empty, as after a crash without AOF.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitFor } from '@platen/testing';
import { Redis } from 'ioredis';

export interface PrivateRedis {
  url: string;
  /** SIGKILL, and wait until the port is closed. */
  kill(): Promise<void>;
  /** Starts again on the same port and waits until it answers PING. */
  start(): Promise<void>;
}

async function answersPing(url: string): Promise<true | undefined> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG' ? true : undefined;
  } finally {
    probe.disconnect();
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(() => answersPing(url), { timeoutMs: 20_000, what: `redis-server on ${port}` });
  }

  async function kill(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  }

  await start();
  return { url, kill, start };
}
