// putStream on both drivers: a large stream is stored whole, and a stream that fails part-way (the
// caller's byte limit) or is closed before its end (a dropped client) leaves no object, no temporary
// file, no open file and no multipart upload behind.
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { freePort } from '@platen/testing';
import { ByteLimitExceededError, limitBytes } from './byte-limit.js';
import { createLocalStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';
import { createS3Storage } from './s3-storage.js';
import { createUrlSigner } from './url-signer.js';

const MB = 1024 * 1024;

/** `total` bytes in 64 KB chunks, each chunk filled with its index (so corruption shows). */
function chunks(total: number): Readable {
  let sent = 0;
  let index = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const size = Math.min(64 * 1024, total - sent);
      sent += size;
      this.push(Buffer.alloc(size, index++ % 251));
    },
  });
}

function limited(source: Readable, maxBytes: number): Readable {
  const limit = limitBytes(maxBytes);
  pipeline(source, limit).catch(() => undefined);
  return limit;
}

/** Files under `dir` this process holds open (its descriptors in /proc/self/fd). */
async function openFilesUnder(dir: string): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target.startsWith(dir)).sort();
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('putStream', () => {
  let root: string;
  let server: S3rver;
  let client: S3Client;
  let clientConfig: S3ClientConfig;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'platen-put-stream-'));
    const port = await freePort();
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory: join(root, 's3'),
      configureBuckets: [{ name: 'platen', configs: [] }],
    });
    await server.run();
    clientConfig = {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
    client = new S3Client(clientConfig);
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const drivers: [string, () => ObjectStorage][] = [
    [
      'local',
      () =>
        createLocalStorage({
          root: join(root, 'local'),
          publicBaseUrl: 'http://localhost:8080',
          signer: createUrlSigner('s'.repeat(32)),
        }),
    ],
    ['s3', () => createS3Storage({ bucket: 'platen', keyPrefix: 'stream/', client })],
  ];

  describe.each(drivers)('%s driver', (name, storage) => {
    it('stores a 20 MB stream whole (several multipart parts on S3)', async () => {
      const result = await storage().putStream(`big/${name}.bin`, chunks(20 * MB), 'application/x-test');
      expect(result.bytes).toBe(20 * MB);
      const stored = await storage().get(`big/${name}.bin`);
      expect(stored?.contentType).toBe('application/x-test');
      expect(stored?.body.length).toBe(20 * MB);
      expect(stored?.body[64 * 1024 * 100]).toBe(100);
    });

    it('rejects with the limit error and leaves nothing when the stream is cut off', async () => {
      const key = `cut/${name}.bin`;
      await expect(storage().putStream(key, limited(chunks(12 * MB), 9 * MB), 'x/y')).rejects.toBeInstanceOf(
        ByteLimitExceededError,
      );
      expect(await storage().get(key)).toBeNull();
    });
  });

  /** A client that goes away: `total` bytes, then the stream is destroyed without an error or an end. */
  function droppedAfter(total: number, error?: Error): Readable {
    let sent = 0;
    return new Readable({
      read() {
        if (sent >= total) {
          this.destroy(error);
          return;
        }
        sent += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 1));
      },
    });
  }

  it('rejects a stream closed before its end on the local driver, leaving no object, temp file or open file', async () => {
    const local = drivers[0]![1]();
    const before = await openFilesUnder(join(root, 'local'));
    await expect(local.putStream('dropped/x.bin', droppedAfter(3 * MB), 'x/y')).rejects.toThrow();
    expect(await local.get('dropped/x.bin')).toBeNull();
    expect(
      (await allFiles(join(root, 'local'))).filter(
        (file) => file.includes('dropped') || file.endsWith('.tmp'),
      ),
    ).toEqual([]);
    expect(await openFilesUnder(join(root, 'local'))).toEqual(before);
  });

  it.each([
    ['closed', undefined],
    ['failed', new Error('socket hang up')],
  ])(
    'aborts the S3 multipart upload of a stream %s part-way, before putStream rejects',
    async (_how, cause) => {
      // s3rver answers AbortMultipartUpload but keeps the parts on disk, so what is checked is that the
      // abort was sent for the upload that was started, and that no object appeared.
      const sent: string[] = [];
      const recording = new S3Client(clientConfig);
      recording.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { UploadId?: string };
          sent.push(`${context.commandName}${input.UploadId ? ` ${input.UploadId}` : ''}`);
          return next(args);
        },
        { step: 'initialize', name: 'recordCommands' },
      );
      const s3 = createS3Storage({ bucket: 'platen', keyPrefix: 'stream/', client: recording });
      try {
        await expect(s3.putStream('dropped/x.bin', droppedAfter(20 * MB, cause), 'x/y')).rejects.toThrow();
        const created = sent.find((command) => command.startsWith('UploadPartCommand '));
        expect(created).toBeDefined();
        const uploadId = created!.split(' ')[1];
        expect(sent).toContain(`AbortMultipartUploadCommand ${uploadId}`);
        expect(sent).not.toContain(`CompleteMultipartUploadCommand ${uploadId}`);
        expect(await s3.get('dropped/x.bin')).toBeNull();
      } finally {
        recording.destroy();
      }
    },
  );

  it('leaves no temporary file in the local root after a cut-off stream', async () => {
    const local = drivers[0]![1]();
    await expect(local.putStream('tmp/x.bin', limited(chunks(2 * MB), MB), 'x/y')).rejects.toThrow();
    expect(
      (await allFiles(join(root, 'local'))).filter((file) => file.includes('tmp/') || file.endsWith('.tmp')),
    ).toEqual([]);
  });
});
