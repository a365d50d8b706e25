// Receives a PSD/PSB upload (`multipart/form-data`, the file in field `file`, an optional `name`) and
// streams it straight to storage: the gateway never holds more than a few chunks of it. The first
// bytes are checked as they arrive (a PSD signature, a canvas under the pixel cap), and the byte limit
// cuts the stream off while it is being sent, so a bomb or an oversized file costs almost nothing.
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, validationError } from '@platen/contracts';
import { PsdImportError, readPsdHeader } from '@platen/psd-import';
import { ByteLimitExceededError, limitBytes, type ObjectStorage } from '@platen/storage';
import busboy from 'busboy';
import type { Request } from 'express';

export interface PsdUpload {
  name: string | undefined;
  /** The file name the client sent, if any (the default mockup name). */
  filename: string | undefined;
  header: PsdHeader;
  bytes: number;
}

export interface PsdUploadLimits {
  maxBytes: number;
  maxPixels: number;
}

const PSD_CONTENT_TYPE = 'image/vnd.adobe.photoshop';
/** Signature, version, reserved, channels, height, width, depth, colour mode. */
const PSD_HEADER_BYTES = 26;

export type PsdHeader = ReturnType<typeof readPsdHeader>;
const MAX_NAME_LENGTH = 200;

const fileIssue = (message: string) => validationError([{ path: 'file', message }]);

/** Holds back the first bytes until the PSD header in them has been checked. */
function checkHeader(limits: PsdUploadLimits, onHeader: (header: PsdHeader) => void): Transform {
  let head: Buffer | null = Buffer.alloc(0);
  const check = (bytes: Buffer) => {
    let header: PsdHeader;
    try {
      header = readPsdHeader(bytes);
    } catch (error) {
      if (error instanceof PsdImportError) throw fileIssue('is not a Photoshop file (PSD or PSB)');
      throw error;
    }
    if (header.width * header.height > limits.maxPixels) {
      throw fileIssue(
        `declares a ${header.width}×${header.height} canvas; the limit is ${limits.maxPixels} pixels`,
      );
    }
    onHeader(header);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (head === null) return callback(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < PSD_HEADER_BYTES) return callback();
      try {
        check(head);
      } catch (error) {
        return callback(error as Error);
      }
      const all = head;
      head = null;
      callback(null, all);
    },
    flush(callback) {
      if (head === null) return callback();
      callback(fileIssue(head.length === 0 ? 'is empty' : 'is not a Photoshop file (PSD or PSB)'));
    },
  });
}

/**
 * Streams the request's `file` part to `key`. Resolves once it is stored; rejects with an ApiError
 * (VALIDATION_ERROR naming the field, PAYLOAD_TOO_LARGE) and leaves nothing stored otherwise.
 */
export function receivePsdUpload(
  req: Request,
  storage: ObjectStorage,
  key: string,
  limits: PsdUploadLimits,
): Promise<PsdUpload> {
  return new Promise<PsdUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 4, parts: 6, fieldSize: 4 * MAX_NAME_LENGTH },
      });
    } catch {
      reject(new ApiError('VALIDATION_ERROR', { message: 'Malformed multipart/form-data request' }));
      return;
    }
    let name: string | undefined;
    let filename: string | undefined;
    let header: PsdHeader | undefined;
    /** Settles once the file part is stored (its byte count) or refused. */
    let stored: Promise<number> | undefined;
    let settled = false;

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // The rest of the body is read and dropped; the answer tells the client to stop sending.
      req.resume();
      // A file already stored in full belongs to no mockup now.
      stored?.then(() => storage.delete(key)).catch(() => undefined);
      reject(toApiError(error, limits));
    };

    parser.on('field', (field, value, info) => {
      if (field !== 'name') return;
      if (value.includes('\u0000')) {
        fail(validationError([{ path: 'name', message: 'must not contain NUL characters' }]));
        return;
      }
      if (info.valueTruncated || value.trim().length > MAX_NAME_LENGTH) {
        fail(validationError([{ path: 'name', message: `must be at most ${MAX_NAME_LENGTH} characters` }]));
        return;
      }
      name = value.trim() || undefined;
    });
    parser.on('file', (field, stream: Readable, info) => {
      if (field !== 'file' || stored) {
        stream.resume();
        fail(validationError([{ path: field, message: 'only one file, in field "file", is accepted' }]));
        return;
      }
      filename = info.filename?.replaceAll('\u0000', '').slice(0, 400);
      const body = new PassThrough();
      const writing = storage.putStream(key, body, PSD_CONTENT_TYPE);
      const reading = pipeline(
        stream,
        checkHeader(limits, (found) => (header = found)),
        limitBytes(limits.maxBytes),
        body,
      );
      // The reading side's error says why (header, limit); the writing side's is the echo of it.
      stored = Promise.allSettled([reading, writing]).then(([read, write]) => {
        if (read.status === 'rejected') throw read.reason;
        if (write.status === 'rejected') throw write.reason;
        return write.value.bytes;
      });
      stored.catch(fail);
    });
    parser.on('error', fail);
    parser.on('close', () => {
      if (settled) return;
      if (!stored) {
        fail(validationError([{ path: 'file', message: 'is required (a PSD or PSB file)' }]));
        return;
      }
      stored.then((bytes) => {
        if (settled) return;
        settled = true;
        // The header check passed (the stream reached storage) or the file was shorter than a header.
        if (!header) reject(fileIssue('is not a Photoshop file (PSD or PSB)'));
        else resolve({ name, filename, header, bytes });
      }, fail);
    });
    req.on('aborted', () => fail(new ApiError('VALIDATION_ERROR', { message: 'Upload aborted' })));
    req.pipe(parser);
  });
}

function toApiError(error: unknown, limits: PsdUploadLimits): Error {
  // Anything not recognised is passed on (the error handler makes it a 500).
  if (error instanceof ByteLimitExceededError) {
    return new ApiError('PAYLOAD_TOO_LARGE', {
      message: `Upload larger than the ${limits.maxBytes}-byte limit`,
      details: { limit_bytes: limits.maxBytes },
    });
  }
  if (error instanceof ApiError) return error;
  if (error instanceof Error && /Unexpected end of form|Malformed/i.test(error.message)) {
    return new ApiError('VALIDATION_ERROR', { message: 'Malformed multipart/form-data request' });
  }
  return error instanceof Error ? error : new Error(String(error));
}
