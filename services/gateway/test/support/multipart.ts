// Streams a multipart/form-data upload with node:http (fetch would buffer a FormData body), reading
// the answer while the body is still being sent: the gateway may refuse an upload part-way through.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { Answer } from './test-stack.js';

export interface MultipartUpload {
  fields?: Record<string, string>;
  /** The file part: its field name, file name and bytes (a Buffer, or a stream for huge files). */
  file?: { field?: string; filename?: string; body: Buffer | Readable };
  headers?: Record<string, string>;
}

const BOUNDARY = '----platen-test-boundary-7d1f0c';

function* prelude(upload: MultipartUpload): Generator<Buffer> {
  for (const [name, value] of Object.entries(upload.fields ?? {})) {
    yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  }
  if (upload.file) {
    const { field = 'file', filename = 'mockup.psd' } = upload.file;
    yield Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: image/vnd.adobe.photoshop\r\n\r\n',
    );
  }
}

async function* bodyOf(upload: MultipartUpload): AsyncGenerator<Buffer> {
  yield* prelude(upload);
  if (upload.file) {
    const { body } = upload.file;
    if (Buffer.isBuffer(body)) yield body;
    else for await (const chunk of body) yield chunk as Buffer;
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${BOUNDARY}--\r\n`);
}

export function postMultipart(url: string, key: string, upload: MultipartUpload): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        ...(key ? { 'X-API-KEY': key } : {}),
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'transfer-encoding': 'chunked',
        ...upload.headers,
      },
      timeout: 120_000,
    });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({
          status: response.statusCode ?? 0,
          headers: new Headers(response.headers as Record<string, string>),
          body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
        });
        // The server answered: stop sending whatever is left.
        req.destroy();
      });
    });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    // After an answer this is a no-op (the promise is settled).
    req.on('error', reject);
    Readable.from(bodyOf(upload))
      .on('error', () => undefined)
      .pipe(req);
  });
}

/** A PSD header (26 bytes) declaring the canvas, then `extra` bytes: enough for the gateway's checks. */
export function psdHeader(width: number, height: number, { version = 1 } = {}): Buffer {
  const header = Buffer.alloc(26);
  header.write('8BPS', 0, 'latin1');
  header.writeUInt16BE(version, 4);
  header.writeUInt16BE(3, 12); // channels
  header.writeUInt32BE(height, 14);
  header.writeUInt32BE(width, 18);
  header.writeUInt16BE(8, 22); // depth
  header.writeUInt16BE(3, 24); // RGB
  return header;
}
