import { resolveHost, systemResolver } from './host-resolver.js';
import type { Resolver } from './host-resolver.js';
import { guardUrl } from './url-guard.js';

function countingResolver(
  answer: Promise<{ address: string; family: 4 | 6 }[]>,
): Resolver & { calls: number } {
  const resolve = Object.assign(
    () => {
      resolve.calls += 1;
      return answer;
    },
    { calls: 0 },
  );
  return resolve;
}

const never = new AbortController().signal;

describe('resolveHost', () => {
  it('answers an IP literal itself, without asking the resolver', async () => {
    const resolve = countingResolver(Promise.resolve([]));
    await expect(resolveHost(guardUrl('http://[::1]:80/'), resolve, never)).resolves.toEqual([
      { address: '::1', family: 6 },
    ]);
    await expect(resolveHost(guardUrl('http://0x7f000001/'), resolve, never)).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
    expect(resolve.calls).toBe(0);
  });

  it.each([['localhost'], ['LOCALHOST.'], ['img.localhost']])(
    'answers loopback for %s without asking the resolver',
    async (host) => {
      const resolve = countingResolver(Promise.resolve([{ address: '93.184.215.14', family: 4 }]));
      await expect(resolveHost(guardUrl(`http://${host}/`), resolve, never)).resolves.toEqual([
        { address: '127.0.0.1', family: 4 },
      ]);
      expect(resolve.calls).toBe(0);
    },
  );

  it('asks the resolver for other names', async () => {
    const resolve = countingResolver(Promise.resolve([{ address: '93.184.215.14', family: 4 }]));
    await expect(resolveHost(guardUrl('http://localhost.example.test/'), resolve, never)).resolves.toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    expect(resolve.calls).toBe(1);
  });

  it('stops waiting for a lookup once the request is aborted', async () => {
    const controller = new AbortController();
    const pending = resolveHost(
      guardUrl('http://slow.example.test/'),
      countingResolver(new Promise(() => undefined)),
      controller.signal,
    );
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });
});

describe('systemResolver', () => {
  it('returns every address with its family (a numeric host, so no DNS traffic)', async () => {
    await expect(systemResolver('127.0.0.1')).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
