// Nothing here opens a socket: the check only resolves, and every resolver is a stub.
import type { ResolvedAddress, Resolver } from './host-resolver.js';
import { OutboundError } from './outbound-error.js';
import { createReachabilityCheck } from './reachability-check.js';

const PUBLIC_IP = '93.184.215.14';

function resolverOf(answers: Record<string, string[] | Error>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const answer = answers[hostname];
    if (answer === undefined) {
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    }
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

async function refusal(promise: Promise<void>): Promise<OutboundError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundError) return error;
    throw error;
  }
  throw new Error('expected the check to refuse the URL');
}

describe('may this URL be reached', () => {
  it('accepts a name that resolves to public addresses only', async () => {
    const resolve = resolverOf({ 'hooks.example.test': [PUBLIC_IP, '2606:2800:220:1::'] });
    await expect(
      createReachabilityCheck({ allow: [], resolve })('https://hooks.example.test/in'),
    ).resolves.toBe(undefined);
    expect(resolve.calls).toEqual(['hooks.example.test']);
  });

  it.each([['10.0.0.5'], ['169.254.169.254'], ['fd00::1'], ['127.0.0.1']])(
    'refuses a name resolving to %s with FORBIDDEN_ADDRESS naming OUTBOUND_ALLOW',
    async (address) => {
      const resolve = resolverOf({ 'n8n.internal': [address] });
      const error = await refusal(
        createReachabilityCheck({ allow: [], resolve })('http://n8n.internal/hook'),
      );
      expect(error).toMatchObject({ code: 'FORBIDDEN_ADDRESS', transient: false });
      expect(error.message).toMatch(/^n8n\.internal resolves to an address outbound requests may not reach/);
      expect(error.message).toContain('OUTBOUND_ALLOW');
    },
  );

  it('refuses a name when any one of its addresses is forbidden', async () => {
    const resolve = resolverOf({ 'rebind.example.test': [PUBLIC_IP, '10.0.0.5'] });
    const error = await refusal(
      createReachabilityCheck({ allow: [], resolve })('https://rebind.example.test/'),
    );
    expect(error.code).toBe('FORBIDDEN_ADDRESS');
  });

  it('refuses loopback and private IP literals and localhost without asking the resolver', async () => {
    const resolve = resolverOf({});
    const check = createReachabilityCheck({ allow: [], resolve });
    for (const url of ['http://127.0.0.1:8080/', 'http://[::1]/', 'http://localhost/', 'http://10.1.2.3/']) {
      const error = await refusal(check(url));
      expect(error.code).toBe('FORBIDDEN_ADDRESS');
    }
    expect((await refusal(check('http://10.1.2.3/'))).message).toMatch(/^10\.1\.2\.3 is an address /);
    expect(resolve.calls).toEqual([]);
  });

  it('accepts what OUTBOUND_ALLOW allows, by range or by host name', async () => {
    const resolve = resolverOf({ 'n8n.internal': ['10.1.0.7'], 'other.internal': ['192.168.1.2'] });
    await expect(
      createReachabilityCheck({ allow: ['10.1.0.0/16'], resolve })('http://n8n.internal/hook'),
    ).resolves.toBe(undefined);
    await expect(
      createReachabilityCheck({ allow: ['other.internal'], resolve })('http://other.internal/hook'),
    ).resolves.toBe(undefined);
    await expect(createReachabilityCheck({ allow: ['127.0.0.1'] })('http://127.0.0.1:9/')).resolves.toBe(
      undefined,
    );
  });

  it('refuses a name that does not resolve as a permanent FETCH_FAILED', async () => {
    const error = await refusal(
      createReachabilityCheck({ allow: [], resolve: resolverOf({}) })('https://nowhere.example.test/'),
    );
    expect(error).toMatchObject({
      code: 'FETCH_FAILED',
      transient: false,
      message: 'nowhere.example.test does not resolve to any address',
    });
  });

  it('refuses a name with no address at all as a permanent FETCH_FAILED', async () => {
    const resolve = resolverOf({ 'empty.example.test': [] });
    const error = await refusal(
      createReachabilityCheck({ allow: [], resolve })('https://empty.example.test/'),
    );
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: false });
  });

  it('reports a resolver that fails for now (EAI_AGAIN) as transient', async () => {
    const resolve = resolverOf({
      'flaky.example.test': Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }),
    });
    const error = await refusal(
      createReachabilityCheck({ allow: [], resolve })('https://flaky.example.test/'),
    );
    expect(error).toMatchObject({ code: 'FETCH_FAILED', transient: true });
  });

  it('gives up on a lookup that never answers with a transient TIMEOUT', async () => {
    const resolve: Resolver = () => new Promise(() => undefined);
    const error = await refusal(
      createReachabilityCheck({ allow: [], resolve, timeoutMs: 50 })('https://slow.example.test/'),
    );
    expect(error).toMatchObject({ code: 'TIMEOUT', transient: true });
  });

  it('refuses a URL the client would not fetch (credentials, another scheme) with BAD_URL', async () => {
    const check = createReachabilityCheck({ allow: [], resolve: resolverOf({}) });
    expect((await refusal(check('https://user:pw@hooks.example.test/'))).code).toBe('BAD_URL');
    expect((await refusal(check('ftp://hooks.example.test/'))).code).toBe('BAD_URL');
  });
});
