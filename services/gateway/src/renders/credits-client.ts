// Charges and refunds through the key-service's credit ledger. Both are idempotent per render uuid
// there, so a retried call never charges or refunds twice. A short balance is 402; anything else
// that keeps us from an answer is 503 (the caller decides what to undo).
// One charge per accepted render: plain node:http on kept-alive connections (a fraction of fetch()'s
// CPU per call), each call bounded by `timeoutMs` from start to the end of the answer.
import http from 'node:http';
import https from 'node:https';
import { ApiError } from '@platen/contracts';

export interface CreditsClient {
  /** Rejects with ApiError INSUFFICIENT_CREDITS or SERVICE_UNAVAILABLE. */
  charge(accountId: string, renderId: string, amount: number): Promise<void>;
  /** Gives back what the render was charged (no-op if it never was). Rejects when the key-service fails. */
  refund(accountId: string, renderId: string): Promise<void>;
}

export interface CreditsClientDeps {
  baseUrl: string;
  serviceToken: () => Promise<string>;
  timeoutMs?: number;
  /** Connections kept open to the key-service. */
  maxSockets?: number;
}

/** Answers of the credit routes are a few hundred bytes; anything far larger is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;

interface Answer {
  status: number;
  code: unknown;
}

export function createCreditsClient({
  baseUrl,
  serviceToken,
  timeoutMs = 5_000,
  maxSockets = 64,
}: CreditsClientDeps): CreditsClient {
  const root = new URL(baseUrl.replace(/\/+$/, '') + '/');
  const transport = root.protocol === 'https:' ? https : http;
  // Idle kept-alive sockets do not hold the process open (node unrefs them), and are closed after
  // 4 s, before the key-service's 5 s keep-alive timeout would close them under a new request.
  const agent = new transport.Agent({ keepAlive: true, maxSockets, timeout: 4_000 });

  function send(path: string, payload: string, authorization: string): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, answer?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          // A kept-alive connection the key-service closed just as it was reused: safe to send again.
          reject(Object.assign(error, { staleConnection: request.reusedSocket && !answered }));
        } else {
          resolve(answer!);
        }
      };
      let answered = false;
      const request = transport.request(
        new URL(`internal/v1${path}`, root),
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization,
          },
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
            else {
              request.destroy();
              settle(new Error('credit answer too large'));
            }
          });
          response.on('error', (error) => settle(error));
          response.on('end', () => {
            let code: unknown;
            try {
              code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code?: unknown }).code;
            } catch {
              code = undefined;
            }
            settle(undefined, { status: response.statusCode ?? 0, code });
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        settle(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      request.on('error', (error) => settle(error));
      request.end(payload);
    });
  }

  /** Both routes are idempotent per render uuid, so a request lost on a stale connection is sent once more. */
  async function post(path: string, body: unknown): Promise<Answer> {
    const payload = JSON.stringify(body);
    const authorization = `Bearer ${await serviceToken()}`;
    try {
      return await send(path, payload, authorization);
    } catch (error) {
      if (!(error as { staleConnection?: boolean }).staleConnection) throw error;
      return send(path, payload, authorization);
    }
  }

  return {
    async charge(accountId, renderId, amount) {
      let answer;
      try {
        answer = await post(`/accounts/${accountId}/credits/charge`, { render_id: renderId, amount });
      } catch {
        throw new ApiError('SERVICE_UNAVAILABLE');
      }
      if (answer.status === 402) throw new ApiError('INSUFFICIENT_CREDITS');
      if (answer.status !== 200) throw new ApiError('SERVICE_UNAVAILABLE');
    },
    async refund(accountId, renderId) {
      const answer = await post(`/accounts/${accountId}/credits/refund`, { render_id: renderId });
      // 404: never charged, so there is nothing to give back.
      if (answer.status !== 200 && answer.status !== 404) {
        throw new Error(`credit refund answered ${answer.status}`);
      }
    },
  };
}
