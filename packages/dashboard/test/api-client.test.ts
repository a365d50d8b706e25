import { MAX_PAGES, createApiClient, type FetchLike } from '../web/lib/api-client.js';
import { ApiError, apiErrorFromResponse, describeError } from '../web/lib/api-error.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function fakeServer(
  answer: (call: Call) => { status: number; body: string; headers?: Record<string, string> },
) {
  const calls: Call[] = [];
  const fetch: FetchLike = (url, init) => {
    const call = { url, method: init.method, headers: init.headers, body: init.body };
    calls.push(call);
    const { status, body, headers = {} } = answer(call);
    return Promise.resolve({
      status,
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
      text: () => Promise.resolve(body),
    });
  };
  return { fetch, calls };
}

const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: JSON.stringify({ success: true, data, ...extra }),
});

function client(server: ReturnType<typeof fakeServer>, csrf: string | null = 'csrf-1') {
  const unauthorized = jest.fn();
  const api = createApiClient({
    fetch: server.fetch,
    baseUrl: '/dashboard/api',
    csrfToken: () => csrf,
    onUnauthorized: unauthorized,
  });
  return { api, unauthorized };
}

describe('requests', () => {
  it('sends JSON and the CSRF token on every call that is not a GET, {} when there is no body', async () => {
    const server = fakeServer(() => ok({ id: 'k1', status: 'revoked' }));
    const { api } = client(server);
    await api.revokeKey('k1');
    expect(server.calls[0]).toMatchObject({
      url: '/dashboard/api/keys/k1/revoke',
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'csrf-1' },
    });
  });

  it('sends no body, content type or CSRF header on a GET, and only the query values given', async () => {
    const server = fakeServer(() => ok([], { next_cursor: null }));
    const { api } = client(server);
    await api.listRenders({ status: 'failed', cursor: null });
    expect(server.calls[0]?.url).toBe('/dashboard/api/renders?limit=20&status=failed');
    expect(server.calls[0]?.body).toBeUndefined();
    expect(server.calls[0]?.headers).not.toHaveProperty('X-CSRF-Token');
    expect(server.calls[0]?.headers).not.toHaveProperty('Content-Type');
  });

  it('omits the CSRF header before login rather than sending an empty one', async () => {
    const server = fakeServer(() => ({ status: 201, body: JSON.stringify({ success: true, data: {} }) }));
    const { api } = client(server, null);
    await api.signup('a@example.com', 'correct horse battery');
    expect(server.calls[0]?.headers).not.toHaveProperty('X-CSRF-Token');
    expect(JSON.parse(server.calls[0]?.body ?? '')).toEqual({
      email: 'a@example.com',
      password: 'correct horse battery',
    });
  });

  it('escapes ids in paths', async () => {
    const server = fakeServer(() => ok({}));
    const { api } = client(server);
    await api.getRender('../me');
    expect(server.calls[0]?.url).toBe('/dashboard/api/renders/..%2Fme');
  });

  it('returns list pages with their cursor, and the credits page flattened', async () => {
    const server = fakeServer((call) =>
      call.url.startsWith('/dashboard/api/credits')
        ? ok({ balance: 7, entries: [{ id: 'e1' }] }, { next_cursor: 'c2' })
        : ok([{ uuid: 'r1' }], { next_cursor: 'next' }),
    );
    const { api } = client(server);
    await expect(api.listRenders()).resolves.toEqual({ items: [{ uuid: 'r1' }], next_cursor: 'next' });
    await expect(api.credits({ cursor: 'c1' })).resolves.toEqual({
      balance: 7,
      entries: [{ id: 'e1' }],
      next_cursor: 'c2',
    });
    expect(server.calls[1]?.url).toBe('/dashboard/api/credits?limit=50&cursor=c1');
  });
});

describe('changing the password', () => {
  it('sends the current and the new password with the CSRF token, and answers the re-issued session', async () => {
    const server = fakeServer(() => ok({ csrf_token: 'csrf-2' }));
    const { api, unauthorized } = client(server);
    await expect(api.changePassword('the old one', 'the new long one')).resolves.toEqual({
      csrf_token: 'csrf-2',
    });
    expect(server.calls[0]).toMatchObject({
      url: '/dashboard/api/password',
      method: 'POST',
      headers: { 'X-CSRF-Token': 'csrf-1' },
    });
    expect(JSON.parse(server.calls[0]?.body ?? '')).toEqual({
      current_password: 'the old one',
      new_password: 'the new long one',
    });
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('reports a wrong current password without ending the session', async () => {
    const server = fakeServer(() => ({
      status: 403,
      body: JSON.stringify({
        success: false,
        code: 'FORBIDDEN',
        error: 'The current password is wrong',
        detail: 'The current password is wrong',
      }),
    }));
    const { api, unauthorized } = client(server);
    const error = await api.changePassword('a guess', 'the new long one').catch((e: unknown) => e);
    expect(describeError(error)).toBe('The current password is wrong');
    expect(unauthorized).not.toHaveBeenCalled();
  });
});

describe('batches', () => {
  it('pages the batch list with its cursor, reads one batch by escaped id, and links its archive', async () => {
    const server = fakeServer((call) =>
      call.url.startsWith('/dashboard/api/batches?')
        ? ok([{ uuid: 'b1' }], { next_cursor: 'c2' })
        : ok({ uuid: 'b/1', renders: [] }),
    );
    const { api } = client(server);
    await expect(api.listBatches({ cursor: 'c1' })).resolves.toEqual({
      items: [{ uuid: 'b1' }],
      next_cursor: 'c2',
    });
    expect(server.calls[0]?.url).toBe('/dashboard/api/batches?limit=20&cursor=c1');
    await expect(api.getBatch('b/1')).resolves.toEqual({ uuid: 'b/1', renders: [] });
    expect(server.calls[1]?.url).toBe('/dashboard/api/batches/b%2F1');
    expect(api.batchArchiveUrl('b/1', false)).toBe('/dashboard/api/batches/b%2F1/archive');
    expect(api.batchArchiveUrl('b1', true)).toBe('/dashboard/api/batches/b1/archive?partial=true');
  });
});

describe('whole lists', () => {
  it('follows next_cursor until the last page of keys', async () => {
    const server = fakeServer((call) => {
      const cursor = new URL(call.url, 'http://x').searchParams.get('cursor');
      if (cursor === null) return ok([{ id: 'k1' }, { id: 'k2' }], { next_cursor: 'p2' });
      if (cursor === 'p2') return ok([{ id: 'k3' }], { next_cursor: null });
      return { status: 400, body: '' };
    });
    const { api } = client(server);
    await expect(api.listKeys('active')).resolves.toEqual([{ id: 'k1' }, { id: 'k2' }, { id: 'k3' }]);
    expect(server.calls.map((call) => call.url)).toEqual([
      '/dashboard/api/keys?status=active&limit=100',
      '/dashboard/api/keys?status=active&limit=100&cursor=p2',
    ]);
  });

  it('stops after MAX_PAGES when the server keeps answering a cursor', async () => {
    const server = fakeServer(() => ok([{ uuid: 'm' }], { next_cursor: 'again' }));
    const { api } = client(server);
    await expect(api.listMockups()).resolves.toHaveLength(MAX_PAGES);
    expect(server.calls).toHaveLength(MAX_PAGES);
  });
});

describe('errors', () => {
  it('throws the envelope message and code', async () => {
    const server = fakeServer(() => ({
      status: 402,
      body: JSON.stringify({
        success: false,
        error: 'Not enough credits',
        detail: 'Not enough credits',
        code: 'INSUFFICIENT_CREDITS',
        request_id: 'r-1',
      }),
    }));
    const { api } = client(server);
    const error = (await api
      .createRender({ mockup_uuid: 'm', smart_objects: [] })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 402,
      code: 'INSUFFICIENT_CREDITS',
      message: 'Not enough credits',
      requestId: 'r-1',
    });
  });

  it('ends the session on a 401 from an authenticated call', async () => {
    const server = fakeServer(() => ({
      status: 401,
      body: JSON.stringify({ success: false, error: 'Session expired', code: 'UNAUTHORIZED' }),
    }));
    const { api, unauthorized } = client(server);
    await expect(api.listKeys()).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it('treats a 401 from login as a wrong password, not an ended session', async () => {
    const server = fakeServer(() => ({
      status: 401,
      body: JSON.stringify({ success: false, error: 'Wrong email or password', code: 'UNAUTHORIZED' }),
    }));
    const { api, unauthorized } = client(server);
    await expect(api.login('a@example.com', 'nope')).rejects.toThrow('Wrong email or password');
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('reads the wait of a login rate limit from details or Retry-After', () => {
    const fromDetails = apiErrorFromResponse(
      429,
      JSON.stringify({ error: 'Too many attempts', code: 'RATE_LIMITED', details: { retry_after: 42 } }),
      '10',
    );
    expect(fromDetails.retryAfter).toBe(42);
    expect(describeError(fromDetails)).toBe('Too many attempts — Try again in 42 s.');
    expect(apiErrorFromResponse(429, '', '17').retryAfter).toBe(17);
  });

  it('lists each invalid field of a validation error', () => {
    const error = apiErrorFromResponse(
      400,
      JSON.stringify({
        error: 'Invalid request',
        code: 'VALIDATION_ERROR',
        details: {
          issues: [{ path: 'password', message: 'Too short' }, { path: ['a', 0], message: 'Bad' }, 'junk'],
        },
      }),
      null,
    );
    expect(describeError(error)).toBe('Invalid request — password: Too short; a.0: Bad');
  });

  it('still explains an error whose body is not an envelope (a proxy page, nothing)', () => {
    expect(apiErrorFromResponse(502, '<html>Bad gateway</html>', null)).toMatchObject({
      code: 'HTTP_502',
      message: 'The server is unavailable. Try again shortly.',
    });
    expect(apiErrorFromResponse(418, '', null).message).toBe('Request failed.');
    expect(apiErrorFromResponse(400, JSON.stringify({ detail: 'Only detail' }), null).message).toBe(
      'Only detail',
    );
  });

  it('reports an unreachable server and an unreadable success as errors, not crashes', async () => {
    const down: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const api = createApiClient({
      fetch: down,
      baseUrl: '',
      csrfToken: () => null,
      onUnauthorized: () => undefined,
    });
    await expect(api.me()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });

    const html = fakeServer(() => ({ status: 200, body: '<!doctype html>' }));
    await expect(client(html).api.me()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('describes any other thrown value', () => {
    expect(describeError(new Error('Boom'))).toBe('Boom');
    expect(describeError('weird')).toBe('Something went wrong.');
  });
});
