import { parseInlineData } from './inline-data.js';

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
