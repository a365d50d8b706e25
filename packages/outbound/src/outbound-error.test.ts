import { OutboundError, fromTransportError, isTransientStatus } from './outbound-error.js';

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('OutboundError', () => {
  it('marks server errors, 429 and 408 as worth retrying and other client errors as final', () => {
    expect([500, 502, 503, 429, 408].map(isTransientStatus)).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 410].map(isTransientStatus)).toEqual([false, false, false, false, false]);
  });

  it('defaults transient by code: timeouts retry; forbidden, too large and bad URLs never do', () => {
    expect(new OutboundError('TIMEOUT', 'x').transient).toBe(true);
    expect(new OutboundError('FORBIDDEN_ADDRESS', 'x').transient).toBe(false);
    expect(new OutboundError('TOO_LARGE', 'x').transient).toBe(false);
    expect(new OutboundError('BAD_URL', 'x').transient).toBe(false);
    expect(new OutboundError('FETCH_FAILED', 'x', { status: 404 })).toMatchObject({
      status: 404,
      transient: false,
    });
    expect(new OutboundError('FETCH_FAILED', 'x', { status: 502 })).toMatchObject({
      status: 502,
      transient: true,
    });
  });
});

describe('fromTransportError', () => {
  it.each([['ECONNREFUSED'], ['ECONNRESET'], ['EPIPE'], ['EHOSTUNREACH'], ['EAI_AGAIN'], ['UND_ERR_SOCKET']])(
    'maps %s to a transient FETCH_FAILED',
    (code) => {
      expect(fromTransportError(withCode(code))).toMatchObject({ code: 'FETCH_FAILED', transient: true });
    },
  );

  it.each([
    ['UND_ERR_CONNECT_TIMEOUT'],
    ['UND_ERR_HEADERS_TIMEOUT'],
    ['UND_ERR_BODY_TIMEOUT'],
    ['ETIMEDOUT'],
  ])('maps %s to TIMEOUT', (code) => {
    expect(fromTransportError(withCode(code))).toMatchObject({ code: 'TIMEOUT', transient: true });
  });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['CERT_HAS_EXPIRED'],
    ['ERR_TLS_CERT_ALTNAME_INVALID'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['ERR_SSL_WRONG_VERSION_NUMBER'],
    ['ENOTFOUND'],
  ])('maps %s to a permanent FETCH_FAILED', (code) => {
    expect(fromTransportError(withCode(code))).toMatchObject({ code: 'FETCH_FAILED', transient: false });
  });

  it('finds the code on a wrapped cause and keeps the original as cause', () => {
    const inner = withCode('CERT_HAS_EXPIRED');
    const error = fromTransportError(new Error('fetch failed', { cause: inner }));
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: false });
    expect((error.cause as Error).cause).toBe(inner);
  });

  it('passes an OutboundError through unchanged', () => {
    const original = new OutboundError('TOO_LARGE', 'big');
    expect(fromTransportError(original)).toBe(original);
  });

  it('treats an unknown failure as transient', () => {
    expect(fromTransportError('boom')).toMatchObject({
      code: 'FETCH_FAILED',
      transient: true,
      message: 'the request failed: boom',
    });
  });
});
