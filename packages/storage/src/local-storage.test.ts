import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStorage } from './local-storage.js';
import { InvalidStorageKeyError } from './object-storage.js';
import { createUrlSigner } from './url-signer.js';

describe('local storage', () => {
  let root: string;
  const signer = createUrlSigner('s'.repeat(32));
  const now = new Date('2026-11-23T12:00:00Z');
  const storage = () =>
    createLocalStorage({ root, publicBaseUrl: 'http://localhost:8080', signer, clock: { now: () => now } });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'platen-storage-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('returns what was put, with its content type', async () => {
    await storage().put('renders/a.png', Buffer.from('png-bytes'), 'image/png');
    expect(await storage().get('renders/a.png')).toEqual({
      body: Buffer.from('png-bytes'),
      contentType: 'image/png',
    });
  });

  it('overwrites on a second put of the same key instead of keeping two objects', async () => {
    await storage().put('renders/a.png', Buffer.from('first'), 'image/png');
    await storage().put('renders/a.png', Buffer.from('second'), 'image/png');
    expect((await storage().get('renders/a.png'))?.body.toString()).toBe('second');
    expect((await readdir(join(root, 'renders'))).filter((name) => !name.endsWith('.content-type'))).toEqual([
      'a.png',
    ]);
  });

  it('stores an object of the default type as one file and returns that type for it', async () => {
    await storage().put('inputs/r1/so.bin', Buffer.from('artwork'), 'application/octet-stream');
    expect(await storage().get('inputs/r1/so.bin')).toEqual({
      body: Buffer.from('artwork'),
      contentType: 'application/octet-stream',
    });
    expect(await readdir(join(root, 'inputs/r1'))).toEqual(['so.bin']);
  });

  it('forgets the earlier content type when a key is overwritten with the default one', async () => {
    await storage().put('renders/a.bin', Buffer.from('png'), 'image/png');
    await storage().put('renders/a.bin', Buffer.from('raw'), 'application/octet-stream');
    expect(await storage().get('renders/a.bin')).toEqual({
      body: Buffer.from('raw'),
      contentType: 'application/octet-stream',
    });
    await storage().put('renders/a.bin', Buffer.from('png again'), 'image/png');
    expect((await storage().get('renders/a.bin'))?.contentType).toBe('image/png');
  });

  it('creates missing directories at any depth, and writes into existing ones', async () => {
    await storage().put('a/b/c/d.png', Buffer.from('deep'), 'image/png');
    await storage().put('a/b/c/e.png', Buffer.from('sibling'), 'image/png');
    expect((await storage().get('a/b/c/d.png'))?.body.toString()).toBe('deep');
    expect((await storage().get('a/b/c/e.png'))?.body.toString()).toBe('sibling');
  });

  it('fails a put whose directory cannot be made, leaving nothing behind', async () => {
    await writeFile(join(root, 'blocker'), 'a file where a directory should be');
    await expect(storage().put('blocker/x.png', Buffer.from('x'), 'image/png')).rejects.toThrow();
    expect(await readdir(root)).toEqual(['blocker']);
  });

  it('answers null for a missing object and forgets a deleted one', async () => {
    expect(await storage().get('renders/missing.png')).toBeNull();
    await storage().put('renders/b.png', Buffer.from('x'), 'image/png');
    await storage().delete('renders/b.png');
    expect(await storage().get('renders/b.png')).toBeNull();
  });

  it.each(['../etc/passwd', '/abs/path', 'a/../../b', 'a//b', '', 'a/./b', 'sp ace'])(
    'refuses the key %j that could escape the root',
    async (key) => {
      await expect(storage().put(key, Buffer.from('x'), 'image/png')).rejects.toBeInstanceOf(
        InvalidStorageKeyError,
      );
    },
  );

  it('signs URLs that verify until they expire and not after', async () => {
    const url = new URL(await storage().signedUrl('renders/a.png', 3600));
    expect(url.pathname).toBe('/files/renders/a.png');
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    const nowSeconds = now.getTime() / 1000;
    expect(expires).toBe(nowSeconds + 3600);
    expect(signer.check('renders/a.png', expires, signature, nowSeconds)).toBe('valid');
    expect(signer.check('renders/a.png', expires, signature, expires)).toBe('expired');
  });

  it('refuses a tampered key, expiry or signature', async () => {
    const url = new URL(await storage().signedUrl('renders/a.png', 3600));
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    const nowSeconds = now.getTime() / 1000;
    expect(signer.check('renders/b.png', expires, signature, nowSeconds)).toBe('invalid');
    expect(signer.check('renders/a.png', expires + 1, signature, nowSeconds)).toBe('invalid');
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    expect(signer.check('renders/a.png', expires, flipped, nowSeconds)).toBe('invalid');
    expect(signer.check('renders/a.png', expires, '', nowSeconds)).toBe('invalid');
  });
});

describe('result URL signer', () => {
  it('is the same for every service holding the same service secret, and differs from signing with that secret', async () => {
    const { createResultUrlSigner } = await import('./url-signer.js');
    const secret = 'x'.repeat(40);
    const a = createResultUrlSigner(secret).sign('renders/r.png', 100);
    expect(createResultUrlSigner(secret).sign('renders/r.png', 100)).toBe(a);
    expect(createUrlSigner(secret).sign('renders/r.png', 100)).not.toBe(a);
  });
});
