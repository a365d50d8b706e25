// getStream on both drivers: an object comes back as a stream with its bytes and content type, a
// missing one is null before anything is read, and a stream given up half-way releases its file.
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import S3rver from 's3rver';
import { freePort } from '@platen/testing';
import { createLocalStorage } from './local-storage.js';
import type { ObjectStorage } from './object-storage.js';
import { createS3Storage } from './s3-storage.js';
import { createUrlSigner } from './url-signer.js';

async function readAll(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Files under `dir` this process holds open (its descriptors in /proc/self/fd). */
async function openFilesUnder(dir: string): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target.startsWith(dir));
}

describe('getStream', () => {
  let root: string;
  let server: S3rver;
  let client: S3Client;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'platen-get-stream-'));
    const port = await freePort();
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory: join(root, 's3'),
      configureBuckets: [{ name: 'platen', configs: [] }],
    });
    await server.run();
    client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
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
    ['s3', () => createS3Storage({ bucket: 'platen', keyPrefix: 'get-stream/', client })],
  ];

  describe.each(drivers)('%s driver', (name, storage) => {
    it('streams an object back byte for byte with its content type', async () => {
      const body = Buffer.alloc(3 * 1024 * 1024 + 17, 0);
      for (let i = 0; i < body.length; i += 4096) body[i] = (i / 4096) % 251;
      await storage().put(`objects/${name}.png`, body, 'image/png');
      const stored = await storage().getStream(`objects/${name}.png`);
      expect(stored?.contentType).toBe('image/png');
      expect((await readAll(stored!.body)).equals(body)).toBe(true);
    });

    it('answers null for a missing object', async () => {
      await expect(storage().getStream(`missing/${name}.png`)).resolves.toBeNull();
    });

    it('rejects a key that could leave the store', async () => {
      await expect(storage().getStream('../etc/passwd')).rejects.toThrow('invalid storage key');
    });
  });

  it('releases the file of a local stream destroyed before its end', async () => {
    const local = drivers[0]![1]();
    await local.put('objects/abandoned.bin', Buffer.alloc(2 * 1024 * 1024, 7), 'application/octet-stream');
    const stored = await local.getStream('objects/abandoned.bin');
    expect(await openFilesUnder(join(root, 'local'))).toHaveLength(1);
    stored!.body.destroy();
    await finished(stored!.body).catch(() => undefined);
    expect(await openFilesUnder(join(root, 'local'))).toEqual([]);
  });
});
