import { readCredentials } from './credentials.js';

const KEY = 'sm_' + 'a'.repeat(64);
const OTHER = 'sm_' + 'b'.repeat(64);

describe('reading the presented API key', () => {
  it('takes the key from X-API-KEY', () => {
    expect(readCredentials({ 'x-api-key': KEY })).toEqual({ kind: 'key', key: KEY });
  });

  it('takes the key from Authorization: Bearer, whatever the case of the scheme', () => {
    expect(readCredentials({ authorization: `Bearer ${KEY}` })).toEqual({ kind: 'key', key: KEY });
    expect(readCredentials({ authorization: `bearer   ${KEY} ` })).toEqual({ kind: 'key', key: KEY });
  });

  it('treats no header, and only empty headers, as missing', () => {
    expect(readCredentials({})).toEqual({ kind: 'missing' });
    expect(readCredentials({ 'x-api-key': '  ', authorization: '' })).toEqual({ kind: 'missing' });
    expect(readCredentials({ authorization: 'Bearer' })).toEqual({ kind: 'missing' });
    expect(readCredentials({ authorization: 'Bearer   ' })).toEqual({ kind: 'missing' });
  });

  it('refuses a key in Authorization without the Bearer scheme as invalid, saying the scheme is missing', () => {
    expect(readCredentials({ authorization: KEY })).toEqual({ kind: 'invalid', reason: 'no-scheme' });
    expect(readCredentials({ authorization: `Bearer${KEY}` })).toEqual({
      kind: 'invalid',
      reason: 'no-scheme',
    });
  });

  it('refuses another Authorization scheme as invalid, saying it is another scheme', () => {
    expect(readCredentials({ authorization: `Basic ${KEY}` })).toEqual({
      kind: 'invalid',
      reason: 'other-scheme',
    });
    expect(readCredentials({ authorization: `Token ${KEY}` })).toEqual({
      kind: 'invalid',
      reason: 'other-scheme',
    });
  });

  it('reports two different keys in the two headers as conflicting', () => {
    expect(readCredentials({ 'x-api-key': KEY, authorization: `Bearer ${OTHER}` })).toEqual({
      kind: 'conflicting',
    });
  });

  it('accepts the same key sent in both headers', () => {
    expect(readCredentials({ 'x-api-key': KEY, authorization: `Bearer ${KEY}` })).toEqual({
      kind: 'key',
      key: KEY,
    });
  });

  it('uses the one non-empty header when the other is empty', () => {
    expect(readCredentials({ 'x-api-key': '', authorization: `Bearer ${KEY}` })).toEqual({
      kind: 'key',
      key: KEY,
    });
    expect(readCredentials({ 'x-api-key': KEY, authorization: 'Bearer ' })).toEqual({
      kind: 'key',
      key: KEY,
    });
  });

  it('does not accept a repeated X-API-KEY header as one key', () => {
    const read = readCredentials({ 'x-api-key': [KEY, KEY] });
    expect(read).not.toEqual({ kind: 'key', key: KEY });
  });
});
