import { isBase64, parseInlineData } from './inline-data.js';

describe('inline artwork (asset.data)', () => {
  it('takes plain base64 as it is', () => {
    expect(parseInlineData('iVBORw0KGgo=')).toEqual({ ok: true, base64: 'iVBORw0KGgo=' });
  });

  it('strips the prefix of an image data URI, with or without parameters, in any case', () => {
    expect(parseInlineData('data:image/png;base64,iVBORw0KGgo=')).toEqual({
      ok: true,
      base64: 'iVBORw0KGgo=',
    });
    expect(parseInlineData('data:image/svg+xml;charset=utf-8;name=a.svg;base64,PHN2Zz4=')).toEqual({
      ok: true,
      base64: 'PHN2Zz4=',
    });
    expect(parseInlineData('DATA:image/JPEG;BASE64,/9j/')).toEqual({ ok: true, base64: '/9j/' });
  });

  it.each([
    ['text/plain', 'data:text/plain;base64,aGk=', 'not an image'],
    ['no ;base64', 'data:image/png,%89PNG', 'without ";base64"'],
    ['no comma', 'data:image/png;base64', 'no comma'],
    ['no media type', 'data:;base64,aGk=', 'no media type'],
    ['a payload that is not base64', 'data:image/png;base64,not base64!', 'not base64'],
  ])('refuses a data URI with %s, showing the accepted form', (_what, value, hint) => {
    const parsed = parseInlineData(value);

    expect(parsed.ok).toBe(false);
    const { message } = parsed as { message: string };
    expect(message).toContain(hint);
  });

  it('refuses text that is neither base64 nor a data URI, mentioning both forms', () => {
    expect(parseInlineData('hello world')).toEqual({
      ok: false,
      message: expect.stringContaining('or a data URI like data:image/png;base64,') as unknown,
    });
  });
});

describe('isBase64', () => {
  // The anchored regex it replaces, kept here as the definition it must agree with.
  const DEFINITION = /^[A-Za-z0-9+/]*={0,2}$/;

  it.each([
    '',
    'aGk=',
    'aGk==',
    'aGk===',
    '=',
    '==',
    '===',
    'a=b',
    'ab==c',
    'aGk =',
    'aGk\n',
    'aGk-_',
    'aGké',
    '/9j/4AAQ+',
    '=aGk',
  ])('agrees with /^[A-Za-z0-9+/]*={0,2}$/ on %j', (value) => {
    expect(isBase64(value)).toBe(DEFINITION.test(value));
  });

  it('agrees with that regex on random strings over base64 characters, padding and a few others', () => {
    const alphabet = 'AZaz09+/====-_ .\n';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(next() * 8);
      const value = Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect([value, isBase64(value)]).toEqual([value, DEFINITION.test(value)]);
    }
  });

  it('accepts the base64 of a multi-megabyte artwork and refuses it with one stray character', () => {
    const base64 = Buffer.alloc(3_000_000, 0xa5).toString('base64') + 'AQ==';

    expect(isBase64(base64)).toBe(true);
    expect(isBase64(`${base64.slice(0, 2_000_000)}!${base64.slice(2_000_000)}`)).toBe(false);
  });
});
