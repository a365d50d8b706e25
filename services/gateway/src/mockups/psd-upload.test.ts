// receivePsdUpload on a bare express app with local storage: a PSD is streamed in whole; a file that
// is not one, a bomb header or one over the byte limit is refused while it streams, and nothing is
// left in storage either way.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { errorHandler, listen, type RunningServer } from '@platen/http';
import { createLocalStorage, createUrlSigner, type ObjectStorage } from '@platen/storage';
import express from 'express';
import pino from 'pino';
import { postMultipart, psdHeader } from '../../test/support/multipart.js';
import { receivePsdUpload } from './psd-upload.js';

const KEY = 'imports/test/source.psd';
const limits = { maxBytes: 64 * 1024, maxPixels: 1_000_000 };
let root: string;
let server: RunningServer;
let url: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'platen-psd-upload-'));
  const storage = createLocalStorage({
    root,
    publicBaseUrl: 'http://127.0.0.1',
    signer: createUrlSigner('s'.repeat(32)),
  });
  const app = express();
  app.post('/upload', async (req, res) => {
    const upload = await receivePsdUpload(req, storage, KEY, limits);
    res.status(202).json(upload);
  });
  // A store that takes the first chunk and then fails, as S3 does when a part upload is refused.
  const failing: ObjectStorage = {
    ...storage,
    putStream: (_key, body) =>
      new Promise((_resolve, reject) =>
        body.once('readable', () => {
          body.read(1);
          reject(new Error('storage refused the part'));
        }),
      ),
  };
  app.post('/upload-failing', async (req, res) => {
    const upload = await receivePsdUpload(req, failing, KEY, limits);
    res.status(202).json(upload);
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  server = await listen(app, 0, '127.0.0.1');
  url = `http://127.0.0.1:${server.port}/upload`;
});

afterAll(async () => {
  await server?.close(1_000);
  await rm(root, { recursive: true, force: true });
});

async function files(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

const psd = (extra: number) => Buffer.concat([psdHeader(800, 600), Buffer.alloc(extra, 5)]);

it('stores a PSD whole and reports its header, name and size', async () => {
  const answer = await postMultipart(url, 'unused', {
    fields: { name: ' Frame ' },
    file: { body: psd(10_000), filename: 'frame.psd' },
  });
  expect(answer.status).toBe(202);
  expect(answer.body).toMatchObject({ name: 'Frame', filename: 'frame.psd', bytes: 10_026 });
  expect(answer.body.header).toMatchObject({ width: 800, height: 600 });
  expect(await files()).toEqual(expect.arrayContaining(['source.psd']));
});

it.each([
  ['not a PSD', Buffer.from('GIF89a........................'), 400],
  ['a bomb header', Buffer.concat([psdHeader(5000, 5000), Buffer.alloc(10)]), 400],
  ['over the byte limit', psd(100_000), 413],
])('refuses %s and stores nothing', async (_label, body, status) => {
  await rm(join(root, 'imports'), { recursive: true, force: true });
  const answer = await postMultipart(url, 'unused', { file: { body: Readable.from([body]) } });
  expect(answer.status).toBe(status);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await files()).toEqual([]);
});

it('answers 500 in the envelope, not a hang, when storage gives up mid-file', async () => {
  const answer = await postMultipart(url.replace(/upload$/, 'upload-failing'), 'unused', {
    file: { body: psd(60_000) },
  });
  expect(answer.status).toBe(500);
  expect(answer.body).toMatchObject({ success: false, code: 'INTERNAL_ERROR' });
});
