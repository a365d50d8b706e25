import type { Mockup } from '../web/lib/api-types.js';
import { readCookie } from '../web/lib/cookies.js';
import { expiryFromDateInput, minimumExpiryDay, validateKeyName } from '../web/lib/key-form.js';
import { PollCancelledError, PollTimeoutError, pollUntil } from '../web/lib/poll.js';
import {
  MAX_UPLOAD_BYTES,
  base64FromDataUrl,
  buildRenderBody,
  isFinished,
  parseExportSize,
} from '../web/lib/render-form.js';
import { validateWebhookForm } from '../web/lib/webhook-form.js';

describe('key form', () => {
  it('requires a name and trims it', () => {
    expect(validateKeyName('  CI runner ')).toEqual({ ok: true, value: 'CI runner' });
    expect(validateKeyName('   ').ok).toBe(false);
    expect(validateKeyName('x'.repeat(201)).ok).toBe(false);
  });

  it('expires at the end of the chosen UTC day, or never', () => {
    const now = new Date('2025-03-07T10:00:00Z');
    expect(expiryFromDateInput('', now)).toEqual({ ok: true, value: null });
    expect(expiryFromDateInput('2025-03-07', now)).toEqual({ ok: true, value: '2025-03-07T23:59:59.000Z' });
    expect(minimumExpiryDay(now)).toBe('2025-03-07');
  });

  it('refuses a past day and a date that does not exist', () => {
    const now = new Date('2025-03-07T10:00:00Z');
    expect(expiryFromDateInput('2025-03-06', now)).toMatchObject({ ok: false });
    expect(expiryFromDateInput('2025-02-30', now)).toMatchObject({ ok: false });
    expect(expiryFromDateInput('07/03/2025', now)).toMatchObject({ ok: false });
  });
});

describe('cookies', () => {
  it('finds the CSRF cookie among others', () => {
    expect(readCookie('a=1; platen_csrf=abc%3D; b=2', 'platen_csrf')).toBe('abc=');
    expect(readCookie('platen_csrf_old=x', 'platen_csrf')).toBeNull();
    expect(readCookie('', 'platen_csrf')).toBeNull();
    expect(readCookie('platen_csrf=%E0%A4%A', 'platen_csrf')).toBe('%E0%A4%A');
  });
});

const mockup: Mockup = {
  uuid: 'm-1',
  slug: 'tee',
  name: 'T-shirt',
  width: 1000,
  height: 800,
  thumbnail: null,
  outline: null,
  status: 'ready',
  built_in: true,
  error: null,
  warnings: [],
  created_at: '2025-01-01T00:00:00Z',
  smart_objects: [
    {
      uuid: 'front',
      name: 'Front',
      layer_name: 'front',
      size: { width: 400, height: 400 },
      position: { x: 0, y: 0, width: 400, height: 400 },
      quad: null,
      blend_mode: 'multiply',
      required: true,
      color: { default: '#ffffff', allowed: ['#ffffff', '#1f2a44'] },
      placements: [{ layer_name: 'front', position: { x: 0, y: 0, width: 400, height: 400 }, quad: null }],
      print_area: { width_mm: 141.11, height_mm: 141.11 },
    },
    {
      uuid: 'pocket',
      name: 'Pocket',
      layer_name: 'pocket',
      size: { width: 100, height: 100 },
      position: { x: 0, y: 0, width: 100, height: 100 },
      quad: null,
      blend_mode: 'normal',
      required: false,
      color: null,
      placements: [{ layer_name: 'pocket', position: { x: 0, y: 0, width: 100, height: 100 }, quad: null }],
      print_area: { width_mm: 35.28, height_mm: 35.28 },
    },
  ],
};

describe('render form', () => {
  const base = { fileSizes: [10], fit: 'cover' as const, format: 'png' as const, size: '' };

  it('sends the artworks given, with fit and format', () => {
    const built = buildRenderBody(mockup, { ...base, artworks: { front: 'QUJD' } });
    expect(built).toEqual({
      ok: true,
      value: {
        mockup_uuid: 'm-1',
        smart_objects: [{ uuid: 'front', asset: { data: 'QUJD', fit: 'cover' } }],
        export_options: { format: 'png' },
      },
    });
  });

  it('names the required smart objects still missing an image', () => {
    expect(buildRenderBody(mockup, { ...base, artworks: { pocket: 'QQ==' } })).toEqual({
      ok: false,
      error: 'Choose an image for Front.',
    });
  });

  it('refuses uploads over the body limit and sizes out of range', () => {
    const artworks = { front: 'QUJD' };
    expect(buildRenderBody(mockup, { ...base, artworks, fileSizes: [MAX_UPLOAD_BYTES, 1] }).ok).toBe(false);
    expect(buildRenderBody(mockup, { ...base, artworks, size: '20' }).ok).toBe(false);
    expect(buildRenderBody(mockup, { ...base, artworks, size: '1.5' }).ok).toBe(false);
    expect(buildRenderBody(mockup, { ...base, artworks, size: '1200' })).toMatchObject({
      ok: true,
      value: { export_options: { format: 'png', size: 1200 } },
    });
  });

  it('sends the chosen product colour (lower case) only for smart objects that take one', () => {
    const built = buildRenderBody(mockup, {
      ...base,
      artworks: { front: 'QUJD', pocket: 'QQ==' },
      colors: { front: '#1F2A44', pocket: '#123456' },
    });
    expect(built).toMatchObject({
      ok: true,
      value: {
        smart_objects: [
          { uuid: 'front', color: '#1f2a44' },
          { uuid: 'pocket', asset: { data: 'QQ==' } },
        ],
      },
    });
    expect((built as { value: { smart_objects: object[] } }).value.smart_objects[1]).not.toHaveProperty(
      'color',
    );
  });

  it('refuses a colour the product is not offered in, naming the ones it is', () => {
    expect(
      buildRenderBody(mockup, { ...base, artworks: { front: 'QUJD' }, colors: { front: '#ff0000' } }),
    ).toEqual({ ok: false, error: 'Front comes in #ffffff, #1f2a44: choose one of those colours.' });
  });

  it('reads the size field: empty is the template’s own size, anything else must be 64–8000', () => {
    expect(parseExportSize(' ')).toEqual({ ok: true, value: undefined });
    expect(parseExportSize('4000')).toEqual({ ok: true, value: 4000 });
    expect(parseExportSize('63').ok).toBe(false);
    expect(parseExportSize('abc').ok).toBe(false);
  });

  it('takes the base64 out of a data URL and refuses anything else', () => {
    expect(base64FromDataUrl('data:image/png;base64,iVBORw0=')).toBe('iVBORw0=');
    expect(() => base64FromDataUrl('data:text/plain,hello')).toThrow();
    expect(() => base64FromDataUrl('iVBORw0=')).toThrow();
  });

  it('knows when a render is over', () => {
    expect(isFinished({ status: 'processing' })).toBe(false);
    expect(isFinished({ status: 'failed' })).toBe(true);
  });
});

describe('pollUntil', () => {
  const noSleep = () => Promise.resolve();

  it('asks until the answer is final', async () => {
    const answers = ['queued', 'processing', 'succeeded'];
    const load = jest.fn(() => Promise.resolve(answers.shift()));
    await expect(
      pollUntil(load, (value) => value === 'succeeded', { intervalMs: 1, maxAttempts: 10, sleep: noSleep }),
    ).resolves.toBe('succeeded');
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('gives up after the last attempt', async () => {
    const load = jest.fn(() => Promise.resolve('queued'));
    await expect(
      pollUntil(load, () => false, { intervalMs: 1, maxAttempts: 3, sleep: noSleep }),
    ).rejects.toBeInstanceOf(PollTimeoutError);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('stops when cancelled (the user left the page)', async () => {
    let left = false;
    const load = jest.fn(() => {
      left = true;
      return Promise.resolve('queued');
    });
    await expect(
      pollUntil(load, () => false, { intervalMs: 1, maxAttempts: 10, sleep: noSleep, cancelled: () => left }),
    ).rejects.toBeInstanceOf(PollCancelledError);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

describe('webhook form', () => {
  it('accepts an http(s) URL with at least one event', () => {
    expect(
      validateWebhookForm({
        url: ' https://hooks.example.com/x ',
        events: ['render.failed'],
        description: '',
      }),
    ).toEqual({
      ok: true,
      value: { url: 'https://hooks.example.com/x', events: ['render.failed'] },
    });
  });

  it('refuses other schemes, relative URLs and no events', () => {
    expect(validateWebhookForm({ url: 'ftp://x', events: ['render.failed'], description: '' }).ok).toBe(
      false,
    );
    expect(validateWebhookForm({ url: '/hook', events: ['render.failed'], description: '' }).ok).toBe(false);
    expect(validateWebhookForm({ url: 'https://x.example', events: [], description: '' }).ok).toBe(false);
  });
});
