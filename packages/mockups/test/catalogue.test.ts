import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCompositor,
  createDemoArtwork,
  createKernelPool,
  listSampleTemplates,
  templateManifestSchema,
} from '@platen/compositor';
import { mockupSchema } from '@platen/contracts';
import { createDb, migrateSchema, type Database } from '@platen/db';
import { createLocalStorage, createUrlSigner, templateAssetKey, type ObjectStorage } from '@platen/storage';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import { sql, type Kysely } from 'kysely';
import sharp from 'sharp';
import { loadTemplate, seedBuiltInMockups, TemplateAssetMissingError, toPublicMockup } from '../src/index.js';
import { TINY_ID, TINY_SMART_OBJECT_ID, tinyTemplate } from './tiny-template.js';

const silent = { info: () => undefined };

let database: TestDatabase;
let db: Kysely<Database>;
let root: string;
let storage: ObjectStorage;

beforeAll(async () => {
  database = await createTestDatabase('mockups');
  db = createDb({ url: database.url });
  await migrateSchema(db, 'renders');
  root = await mkdtemp(join(tmpdir(), 'platen-mockups-'));
  storage = createLocalStorage({
    root,
    publicBaseUrl: 'http://127.0.0.1:8080',
    signer: createUrlSigner('x'.repeat(32)),
  });
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
  await rm(root, { recursive: true, force: true });
});

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}

const versionOf = async (id: string) =>
  (await db.selectFrom('renders.mockups').select('version').where('id', '=', id).executeTakeFirstOrThrow())
    .version;

describe('built-in mockups', () => {
  it('installs every compositor sample as a ready built-in under its fixed uuid, with its images in storage', async () => {
    const samples = await listSampleTemplates();
    const report = await seedBuiltInMockups({ db, storage, logger: silent });

    expect(report.installed.sort()).toEqual(samples.map((sample) => sample.slug).sort());
    for (const sample of samples) {
      const row = await db
        .selectFrom('renders.mockups')
        .selectAll()
        .where('id', '=', sample.uuid)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ account_id: null, slug: sample.slug, status: 'ready', version: 1 });
      expect(row.smart_objects.length).toBeGreaterThan(0);
      for (const [name, bytes] of sample.assets) {
        expect((await storage.get(templateAssetKey(sample.uuid, 1, name)))?.body.equals(bytes)).toBe(true);
      }
      expect((await storage.get(row.thumbnail_key!))?.contentType).toBe('image/jpeg');
    }
  }, 180_000);

  it('changes nothing when seeded again: same versions, no new objects in storage', async () => {
    const filesBefore = await countFiles(root);
    const report = await seedBuiltInMockups({ db, storage, logger: silent });

    expect(report.installed).toEqual([]);
    expect(report.updated).toEqual([]);
    for (const sample of await listSampleTemplates()) expect(await versionOf(sample.uuid)).toBe(1);
    expect(await countFiles(root)).toBe(filesBefore);
  }, 180_000);

  it('does not regenerate the samples on a start where every built-in is of the current revision', async () => {
    // Tamper with a stored content hash: a seed that regenerated and compared would "update" it.
    const [first] = await listSampleTemplates();
    await db
      .updateTable('renders.mockups')
      .set({ manifest: sql`jsonb_set(manifest, '{content_hash}', '"stale"')` })
      .where('id', '=', first!.uuid)
      .execute();
    const report = await seedBuiltInMockups({ db, storage, logger: silent });
    expect(report).toEqual({ installed: [], updated: [], unchanged: [] });
    expect(await versionOf(first!.uuid)).toBe(1);
    // An older revision stored: the next start regenerates and repairs it.
    await db
      .updateTable('renders.mockups')
      .set({ manifest: sql`jsonb_set(manifest, '{sample_revision}', '0')` })
      .where('id', '=', first!.uuid)
      .execute();
    const repaired = await seedBuiltInMockups({ db, storage, logger: silent });
    expect(repaired.updated).toEqual([first!.slug]);
  }, 180_000);

  it('lists the t-shirt’s product colour, and adds it in place to a row stored before colours were listed', async () => {
    const shirt = (await listSampleTemplates()).find((sample) => sample.slug === 't-shirt')!;
    const publicShirt = async () =>
      toPublicMockup(
        await db
          .selectFrom('renders.mockups')
          .selectAll()
          .where('id', '=', shirt.uuid)
          .executeTakeFirstOrThrow(),
        null,
      );
    const [front] = (await publicShirt()).smart_objects;
    expect(front!.color).toMatchObject({ default: '#ffffff' });
    expect(front!.color!.allowed).toContain('#1f2a44');

    // What an installation of the previous generator revision holds: no `color` on its smart objects.
    await db
      .updateTable('renders.mockups')
      .set({
        smart_objects: sql`(select jsonb_agg(so - 'color') from jsonb_array_elements(smart_objects) so)`,
        manifest: sql`jsonb_set(manifest, '{sample_revision}', '1')`,
      })
      .where('id', '=', shirt.uuid)
      .execute();
    expect((await publicShirt()).smart_objects[0]!.color).toBeNull();
    const filesBefore = await countFiles(root);

    const report = await seedBuiltInMockups({ db, storage, logger: silent });

    expect(report.updated).toEqual(['t-shirt']);
    expect((await publicShirt()).smart_objects[0]!.color).toEqual(front!.color);
    expect(await versionOf(shirt.uuid)).toBe(1);
    expect(await countFiles(root)).toBe(filesBefore);
    expect(await seedBuiltInMockups({ db, storage, logger: silent })).toEqual({
      installed: [],
      updated: [],
      unchanged: [],
    });
  }, 180_000);

  it('bumps the version only when the pixels changed, and keeps the old version’s images', async () => {
    const original = await tinyTemplate();
    await seedBuiltInMockups({ db, storage, logger: silent, samples: () => Promise.resolve([original]) });
    await seedBuiltInMockups({ db, storage, logger: silent, samples: async () => [await tinyTemplate()] });
    expect(await versionOf(TINY_ID)).toBe(1);

    const changed = await tinyTemplate({ baseWidth: 60 });
    const report = await seedBuiltInMockups({
      db,
      storage,
      logger: silent,
      samples: () => Promise.resolve([changed]),
    });

    expect(report.updated).toEqual(['tiny-test-frame']);
    expect(await versionOf(TINY_ID)).toBe(2);
    expect((await storage.get(templateAssetKey(TINY_ID, 2, 'base.png')))?.body).toEqual(
      changed.assets.get('base.png'),
    );
    expect((await storage.get(templateAssetKey(TINY_ID, 1, 'base.png')))?.body).toEqual(
      original.assets.get('base.png'),
    );
  });

  it('installs once when several processes seed at the same time', async () => {
    const sample = {
      ...(await tinyTemplate()),
      uuid: '0b7e4c1a-5d2f-4e8a-9c3b-7a1d2e3f4a02',
      slug: 'tiny-race',
    };
    const reports = await Promise.all(
      [1, 2, 3].map(() =>
        seedBuiltInMockups({ db, storage, logger: silent, samples: () => Promise.resolve([sample]) }),
      ),
    );

    expect(reports.flatMap((report) => report.installed)).toEqual(['tiny-race']);
    expect(await versionOf(sample.uuid)).toBe(1);
  });
});

describe('loadTemplate', () => {
  beforeAll(async () => {
    await seedBuiltInMockups({ db, storage, logger: silent, samples: async () => [await tinyTemplate()] });
  });

  it('hands the compositor the installed manifest and version, and loads the images only when asked', async () => {
    const sample = await tinyTemplate();
    const loaded = await loadTemplate({ db, storage }, TINY_ID);

    expect(loaded?.source).toEqual({
      id: TINY_ID,
      version: await versionOf(TINY_ID),
      manifest: templateManifestSchema.parse(sample.manifest),
    });
    expect(loaded?.accountId).toBeNull();
    const assets = await loaded!.loadAssets();
    expect([...assets.keys()]).toEqual(['base.png']);
  });

  it('round-trips through the compositor into an image of the template’s size', async () => {
    const loaded = (await loadTemplate({ db, storage }, TINY_ID))!;
    const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 10_000_000 });
    const prepared = await compositor.prepare(loaded.source, loaded.loadAssets);
    const output = await compositor.render(
      prepared,
      [{ uuid: TINY_SMART_OBJECT_ID, asset: await createDemoArtwork(40, 40), fit: 'cover', rotate: 0 }],
      { format: 'png' },
    );

    expect(await sharp(output.data).metadata()).toMatchObject({ format: 'png', width: 64, height: 48 });
  });

  it('finds nothing for an unknown or deleted mockup', async () => {
    expect(await loadTemplate({ db, storage }, '0b7e4c1a-5d2f-4e8a-9c3b-000000000000')).toBeUndefined();
    const sample = {
      ...(await tinyTemplate()),
      uuid: '0b7e4c1a-5d2f-4e8a-9c3b-7a1d2e3f4a03',
      slug: 'tiny-gone',
    };
    await seedBuiltInMockups({ db, storage, logger: silent, samples: () => Promise.resolve([sample]) });
    await db
      .updateTable('renders.mockups')
      .set({ deleted_at: new Date() })
      .where('id', '=', sample.uuid)
      .execute();

    expect(await loadTemplate({ db, storage }, sample.uuid)).toBeUndefined();
  });

  it('fails with TemplateAssetMissingError when an image of the template is gone from storage', async () => {
    const sample = {
      ...(await tinyTemplate()),
      uuid: '0b7e4c1a-5d2f-4e8a-9c3b-7a1d2e3f4a04',
      slug: 'tiny-broken',
    };
    await seedBuiltInMockups({ db, storage, logger: silent, samples: () => Promise.resolve([sample]) });
    await storage.delete(templateAssetKey(sample.uuid, 1, 'base.png'));
    const loaded = (await loadTemplate({ db, storage }, sample.uuid))!;

    await expect(loaded.loadAssets()).rejects.toBeInstanceOf(TemplateAssetMissingError);
  });
});

describe('toPublicMockup', () => {
  it('answers the documented mockup object for a built-in row', async () => {
    const row = await db
      .selectFrom('renders.mockups')
      .selectAll()
      .where('id', '=', TINY_ID)
      .executeTakeFirstOrThrow();
    const mockup = toPublicMockup(row, 'http://127.0.0.1:8080/files/t.png');

    expect(mockupSchema.parse(mockup)).toEqual(mockup);
    expect(mockup).toMatchObject({
      uuid: TINY_ID,
      slug: 'tiny-test-frame',
      built_in: true,
      status: 'ready',
      thumbnail: 'http://127.0.0.1:8080/files/t.png',
      smart_objects: [
        expect.objectContaining({ uuid: TINY_SMART_OBJECT_ID, required: true, blend_mode: 'multiply' }),
      ],
    });
    expect(mockup.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});
