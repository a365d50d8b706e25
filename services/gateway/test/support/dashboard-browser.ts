// A browser's view of the dashboard API for service tests: a cookie jar that keeps what the gateway
// sets, and sends the CSRF header and the page's Origin on unsafe requests, as the page does.
import type { Answer } from './test-stack.js';

/** One browser: its cookies (as the server set them) and the CSRF token it read from them. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];

  /** `origin`: the page's own origin, sent on unsafe requests as a browser does. */
  constructor(
    private readonly baseUrl: string,
    private readonly origin = baseUrl,
  ) {}

  get csrf(): string {
    return this.cookies.get('platen_csrf') ?? '';
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'GET' ? {} : { origin: this.origin, 'x-csrf-token': this.csrf }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    for (const header of response.headers.getSetCookie()) {
      this.setCookieHeaders.push(header);
      const [pair] = header.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, decodeURIComponent(value));
    }
    const text = await response.text();
    const parsed =
      text && response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as object) : {};
    return { status: response.status, headers: response.headers, body: parsed as Record<string, unknown> };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.request('POST', path, body, headers);
}
