// One kept-alive HTTP transport to the key-service: plain node:http (a fraction of fetch()'s CPU
// per call), each call bounded by `timeoutMs` from start to the end of the answer and abortable.
// A request lost on a kept-alive socket the key-service closed just as it was reused is sent once
// more, but only when the caller says the call is idempotent.
import http from 'node:http';
import https from 'node:https';

/** Answers of the internal API are small; anything far larger is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;

export interface Answer {
  status: number;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  /** Below the base URL, e.g. `/internal/v1/keys/verify`. */
  path: string;
  body?: unknown;
  authorization?: string;
  timeoutMs: number;
  idempotent: boolean;
  signal?: AbortSignal | undefined;
}

export interface Transport {
  /** Rejects when no complete answer arrived (refused, reset, timed out, aborted, too large). */
  send(options: SendOptions): Promise<Answer>;
  close(): void;
}

export function createTransport({
  baseUrl,
  maxSockets = 64,
}: {
  baseUrl: string;
  maxSockets?: number;
}): Transport {
  const root = new URL(baseUrl.replace(/\/+$/, '') + '/');
  const transport = root.protocol === 'https:' ? https : http;
  // Idle kept-alive sockets do not hold the process open (node unrefs them), and are closed after
  // 4 s, before the key-service's 5 s keep-alive timeout would close them under a new request.
  const agent = new transport.Agent({ keepAlive: true, maxSockets, timeout: 4_000 });

  function once(options: SendOptions, payload: string | undefined): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const settle = (error: Error | undefined, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(Object.assign(error, { staleConnection: request.reusedSocket && !answered }));
        else resolve(answer!);
      };
      const headers: http.OutgoingHttpHeaders = {};
      if (options.authorization) headers.authorization = options.authorization;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const request = transport.request(
        new URL(options.path.replace(/^\/+/, ''), root),
        { method: options.method, agent, headers },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
            else {
              request.destroy();
              settle(new Error('key-service answer too large'));
            }
          });
          response.on('error', (error) => settle(error));
          response.on('end', () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              body = undefined;
            }
            settle(undefined, { status: response.statusCode ?? 0, body });
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        settle(Object.assign(new Error(`timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
      }, options.timeoutMs);
      const onAbort = () => {
        request.destroy();
        settle(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
      };
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error) => settle(error));
      request.end(payload);
    });
  }

  return {
    async send(options) {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      try {
        return await once(options, payload);
      } catch (error) {
        if (!options.idempotent || !(error as { staleConnection?: boolean }).staleConnection) throw error;
        return once(options, payload);
      }
    },
    close() {
      agent.destroy();
    },
  };
}
