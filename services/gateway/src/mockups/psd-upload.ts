// Receives a PSD/PSB upload (`multipart/form-data`, the file in field `file`, an optional `name`) and
// streams it straight to storage: the gateway never holds more than a few chunks of it. The first
// bytes are checked as they arrive (a PSD signature, a canvas under the pixel cap), and the byte limit
// cuts the stream off while it is being sent, so a bomb or an oversized file costs almost nothing.
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError, mockupNameSchema, toStorableText, validationError } from '@platen/contracts';
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

/** Why an upload ended without a stored file, when the request itself ended early. */
export class UploadCutOffError extends Error {
  constructor(readonly reason: 'client_closed' | 'body_timeout') {
    super(reason === 'body_timeout' ? 'request body timed out' : 'client closed the upload');
    this.name = 'UploadCutOffError';
  }
}

/**
 * Streams the request's `file` part to `key`. Resolves once it is stored; rejects with an ApiError
 * (VALIDATION_ERROR naming the field, PAYLOAD_TOO_LARGE, REQUEST_TIMEOUT) once nothing is stored:
 * however the upload ends (refused, cut off by the client or the body timeout, storage failing), the
 * file stream is destroyed, so the storage write ends, its temporary file or multipart upload is
 * removed, and only then does this settle. A request that hangs here would hold a file open for ever.
 */
export function receivePsdUpload(
  req: Request,
  storage: ObjectStorage,
  key: string,
  limits: PsdUploadLimits,
  isBodyTimedOut: (req: Request) => boolean = () => false,
): Promise<PsdUpload> {
  return new Promise<PsdUpload>((resolve, reject) => {
    const encoding = req.get('content-encoding');
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      req.resume();
      reject(
        new ApiError('UNSUPPORTED_MEDIA_TYPE', {
          message: `Unsupported Content-Encoding "${encoding.slice(0, 40)}": send the upload uncompressed`,
        }),
      );
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 4, parts: 6, fieldSize: 4 * MAX_NAME_LENGTH },
      });
    } catch {
      req.resume();
      reject(new ApiError('VALIDATION_ERROR', { message: 'Malformed multipart/form-data request' }));
      return;
    }
    let name: string | undefined;
    let filename: string | undefined;
    let header: PsdHeader | undefined;
    /** The file part while it streams: destroyed on any failure so the storage write ends too. */
    let file: Readable | undefined;
    /** Settles once the file part is stored (its byte count) or refused. */
    let stored: Promise<number> | undefined;
    let settled = false;

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      // The rest of the body is read and dropped; the answer tells the client to stop sending.
      req.resume();
      const apiError = toApiError(error, limits);
      file?.destroy(apiError);
      // A file already stored in full belongs to no mockup now; a partial one is removed by putStream.
      const cleanedUp = stored ? stored.then(() => storage.delete(key)).catch(() => undefined) : undefined;
      if (cleanedUp) cleanedUp.then(() => reject(apiError), reject);
      else reject(apiError);
    };

    parser.on('field', (field, value, info) => {
      if (field !== 'name') return;
      const text = mockupNameSchema.safeParse(value);
      if (info.valueTruncated || value.trim().length > MAX_NAME_LENGTH) {
        fail(validationError([{ path: 'name', message: `must be at most ${MAX_NAME_LENGTH} characters` }]));
        return;
      }
      if (!text.success && value.trim() !== '') {
        fail(validationError([{ path: 'name', message: text.error.issues[0]?.message ?? 'is invalid' }]));
        return;
      }
      name = text.success ? text.data : undefined;
    });
    parser.on('file', (field, stream: Readable, info) => {
      if (field !== 'file' || stored) {
        stream.resume();
        fail(validationError([{ path: field, message: 'only one file, in field "file", is accepted' }]));
        return;
      }
      file = stream;
      filename = info.filename ? toStorableText(info.filename).slice(0, 400) : undefined;
      const body = new PassThrough();
      const writing = storage.putStream(key, body, PSD_CONTENT_TYPE);
      // A store that gives up stops reading: without this the reading side would wait on a full buffer.
      writing.catch((error: unknown) =>
        body.destroy(error instanceof Error ? error : new Error(String(error))),
      );
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
    // A client that goes away (or is cut off by the body timeout) mid-body ends the request without
    // ending busboy's streams: without this the storage write would wait for more bytes for ever.
    const cutOff = () => fail(new UploadCutOffError(isBodyTimedOut(req) ? 'body_timeout' : 'client_closed'));
    req.on('error', cutOff);
    req.on('close', () => {
      if (!req.complete) cutOff();
    });
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
  if (error instanceof UploadCutOffError) {
    return error.reason === 'body_timeout'
      ? new ApiError('REQUEST_TIMEOUT', { cause: error })
      : new ApiError('VALIDATION_ERROR', { message: 'Upload aborted by the client', cause: error });
  }
  if (error instanceof Error && /Unexpected end of form|Malformed/i.test(error.message)) {
    return new ApiError('VALIDATION_ERROR', { message: 'Malformed multipart/form-data request' });
  }
  return error instanceof Error ? error : new Error(String(error));
}
