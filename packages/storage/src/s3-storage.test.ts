// Round trip against a real S3-protocol server (s3rver) on 127.0.0.1.
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from '@platen/testing';
import { createS3Storage } from './s3-storage.js';

describe('S3 storage', () => {
  let server: S3rver;
  let directory: string;
  let client: S3Client;
  let endpoint: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'platen-s3-'));
    const port = await freePort();
    server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: 'platen', configs: [] }],
    });
    await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  const storage = () => createS3Storage({ bucket: 'platen', keyPrefix: 'test/', client });

  it('stores, reads back with its content type, overwrites and deletes an object', async () => {
    await storage().put('renders/r1.webp', Buffer.from('first'), 'image/webp');
    await storage().put('renders/r1.webp', Buffer.from('second'), 'image/webp');
    expect(await storage().get('renders/r1.webp')).toEqual({
      body: Buffer.from('second'),
      contentType: 'image/webp',
    });
    await storage().delete('renders/r1.webp');
    expect(await storage().get('renders/r1.webp')).toBeNull();
  });

  it('hands out a presigned URL that fetches the object without credentials', async () => {
    await storage().put('renders/r2.png', Buffer.from('png'), 'image/png');
    const url = await storage().signedUrl('renders/r2.png', 600);
    expect(url.startsWith(`${endpoint}/platen/test/renders/r2.png?`)).toBe(true);
    expect(url).toContain('X-Amz-Signature=');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('png');
  });
});
