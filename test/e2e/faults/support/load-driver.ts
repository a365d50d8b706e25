// Sends requests to the gateway from a few clients at once, bounded in count and in time, and
// records each one: when it was sent, when (and what) it was answered, or why no answer came. One
// connection per request (no keep-alive), so a refused connection always means "nothing sent".
import http from 'node:http';

export interface Attempt {
  seq: number;
  /** Date.now() just before the request was sent, and when its answer (or failure) arrived. */
  sentAt: number;
  answeredAt: number;
  /** null: no HTTP answer at all (see failure). */
  status: number | null;
  /** The error envelope's code, when the answer was an error. */
  code?: string;
  /** The render's uuid, when the answer carried a render. */
  renderId?: string;
  /** Why there was no answer: ECONNREFUSED, ECONNRESET, TIMEOUT… */
  failure?: string;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { success?: boolean; code?: string; data?: unknown; next_cursor?: string | null };
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One request on a connection of its own; rejects with an Error whose `code` names the failure. */
export function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: init.method ?? 'GET',
        agent: false,
        headers: {
          ...(init.body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(init.body) }),
          ...init.headers,
        },
        timeout: init.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          let body: HttpAnswer['body'] = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HttpAnswer['body'];
          } catch {
            // not JSON: the status alone is what is recorded
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface LoadOptions {
  /** The full URL requests go to, e.g. `${gateway}/api/v1/renders`. */
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The body of request number `seq` (or undefined for none). */
  body?: (seq: number) => string;
  clients: number;
  maxRequests: number;
  /** No request is sent after this many ms from the start. */
  deadlineMs: number;
  /** Each client waits this long between its requests (keeps a load spread over an outage). */
  pauseMs?: number;
  timeoutMs?: number;
}

export interface Load {
  /** Every attempt so far, in the order they were sent. */
  attempts: Attempt[];
  /** Resolves with every attempt once maxRequests were sent and answered, or the deadline passed. */
  done: Promise<Attempt[]>;
  /** Sends no more requests; resolves once those in flight are answered. */
  stop(): Promise<Attempt[]>;
}

export function startLoad(options: LoadOptions): Load {
  const attempts: Attempt[] = [];
  const began = Date.now();
  let stopped = false;
  let sent = 0;

  async function client(): Promise<void> {
    while (!stopped && sent < options.maxRequests && Date.now() - began < options.deadlineMs) {
      const seq = sent++;
      const attempt: Attempt = { seq, sentAt: Date.now(), answeredAt: 0, status: null };
      attempts.push(attempt);
      try {
        const answer = await request(options.url, {
          method: options.method ?? 'POST',
          headers: options.headers,
          ...(options.body ? { body: options.body(seq) } : {}),
          timeoutMs: options.timeoutMs ?? 60_000,
        });
        attempt.status = answer.status;
        if (answer.body.success === false) attempt.code = answer.body.code;
        const uuid = (answer.body.data as { uuid?: unknown } | undefined)?.uuid;
        if (typeof uuid === 'string') attempt.renderId = uuid;
      } catch (error) {
        attempt.failure = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      }
      attempt.answeredAt = Date.now();
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  }

  const done = Promise.all(Array.from({ length: options.clients }, client)).then(() => attempts);
  return {
    attempts,
    done,
    stop() {
      stopped = true;
      return done;
    },
  };
}

/** How many attempts ended each way: `202`, `503 SERVICE_UNAVAILABLE`, `no answer: ECONNREFUSED`. */
export function tally(attempts: Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const attempt of attempts) {
    const outcome =
      attempt.status === null
        ? `no answer: ${attempt.failure}`
        : `${attempt.status}${attempt.code ? ` ${attempt.code}` : ''}`;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** The uuids of the renders the gateway accepted (answered 202, or 200 for ?wait). */
export function acceptedRenders(attempts: Attempt[]): string[] {
  return attempts
    .filter((a) => (a.status === 202 || a.status === 200) && a.renderId !== undefined)
    .map((a) => a.renderId!);
}
