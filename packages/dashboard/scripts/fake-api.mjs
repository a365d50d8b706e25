// A small in-memory stand-in for the gateway's dashboard: it serves the built page (dist/web) at
// /dashboard/ and fakes /dashboard/api/* as dashboard-api.md describes (cookies, CSRF, envelopes),
// with seeded data so every screen has something to show. For looking at the page, not for testing
// the real API. Images are SVG drawn here.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { URL } from 'node:url';

const JSON_TYPE = 'application/json; charset=utf-8';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const DAY = 86_400_000;

const alnum = (length) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => chars[byte % chars.length]).join('');
};

class HttpError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

function posterSvg(width, height, label, hue) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 60%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360} 70% 45%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<circle cx="${width * 0.7}" cy="${height * 0.3}" r="${Math.min(width, height) * 0.18}" fill="rgba(255,255,255,0.35)"/>
<text x="50%" y="55%" font-family="sans-serif" font-size="${Math.round(width / 12)}" fill="#fff" text-anchor="middle">${label}</text>
</svg>`;
}

/** The sample templates' thumbnails: a framed poster on a bedroom wall, a t-shirt. */
function mockupSvg(kind) {
  if (kind === 'poster') {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="450" viewBox="0 0 1200 900">
<rect width="1200" height="900" fill="#e9e2d6"/><rect y="640" width="1200" height="260" fill="#b08d6a"/>
<rect x="120" y="560" width="520" height="160" rx="16" fill="#7d8ca3"/><rect x="150" y="520" width="200" height="80" rx="30" fill="#f4f1ea"/>
<polygon points="700,150 1010,175 1000,585 690,600" fill="#3b3b3b"/><polygon points="720,172 990,193 981,565 711,578" fill="#f7f7f7"/>
<rect x="900" y="600" width="60" height="120" fill="#4f6b4a"/><circle cx="930" cy="580" r="60" fill="#6f9a5f"/></svg>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="500" height="500" viewBox="0 0 1000 1000">
<rect width="1000" height="1000" fill="#dfe6ee"/>
<path d="M330 120 L420 90 Q500 150 580 90 L670 120 L860 260 L780 400 L700 350 L700 900 L300 900 L300 350 L220 400 L140 260 Z" fill="#fbfbfb" stroke="#c9cfd6" stroke-width="6"/>
<rect x="600" y="330" width="70" height="80" fill="none" stroke="#d0d5db" stroke-width="4"/></svg>`;
}

export function createFakeDashboard({ webRoot, cacheControlFor, now = () => new Date() }) {
  const users = new Map(); // email → user
  const sessions = new Map(); // sid → { userId, csrf }
  const images = new Map(); // path → svg
  let origin = 'http://127.0.0.1';

  const mockups = [
    {
      uuid: '5b0c6f2e-4a57-4a51-9a3e-2f4b8c9d1e01',
      slug: 'bedroom-poster-01',
      name: 'Bedroom poster',
      width: 1200,
      height: 900,
      thumbnail: '/__fake/img/mockup-poster.svg',
      smart_objects: [
        {
          uuid: '0f6a7e55-0c7b-4f5e-9d7c-7f3b1a2c3d01',
          name: 'Poster',
          layer_name: 'Poster artwork',
          size: { width: 1080, height: 1440 },
          position: { x: 711, y: 172, width: 279, height: 406 },
          quad: [
            [720, 172],
            [990, 193],
            [981, 565],
            [711, 578],
          ],
          blend_mode: 'multiply',
          required: true,
          color: null,
        },
      ],
      status: 'ready',
      built_in: true,
      created_at: '2025-01-01T00:00:00.000Z',
    },
    {
      uuid: '5b0c6f2e-4a57-4a51-9a3e-2f4b8c9d1e02',
      slug: 'white-tee-front',
      name: 'White t-shirt',
      width: 1000,
      height: 1000,
      thumbnail: '/__fake/img/mockup-tee.svg',
      smart_objects: [
        {
          uuid: '0f6a7e55-0c7b-4f5e-9d7c-7f3b1a2c3d02',
          name: 'Chest print',
          layer_name: 'Print',
          size: { width: 1200, height: 1500 },
          position: { x: 370, y: 300, width: 260, height: 330 },
          quad: null,
          blend_mode: 'multiply',
          required: true,
          color: { default: '#ffffff', allowed: ['#ffffff', '#222222', '#1f2a44'] },
        },
        {
          uuid: '0f6a7e55-0c7b-4f5e-9d7c-7f3b1a2c3d03',
          name: 'Pocket',
          layer_name: 'Pocket',
          size: { width: 300, height: 300 },
          position: { x: 600, y: 330, width: 70, height: 80 },
          quad: null,
          blend_mode: 'normal',
          required: false,
          color: null,
        },
      ],
      status: 'ready',
      built_in: true,
      created_at: '2025-01-01T00:00:00.000Z',
    },
  ];
  images.set('/__fake/img/mockup-poster.svg', mockupSvg('poster'));
  images.set('/__fake/img/mockup-tee.svg', mockupSvg('tee'));

  const iso = (ms) => new Date(ms).toISOString();

  function keyView(key) {
    const t = now().getTime();
    const status = key.revoked_at
      ? 'revoked'
      : key.expires_at && Date.parse(key.expires_at) <= t
        ? 'expired'
        : 'active';
    const { secret: _secret, revoked_at: _revoked, ...rest } = key;
    return { ...rest, status };
  }

  function newKey(account, name, expiresAt) {
    const secret = `sm_${alnum(64)}`;
    const key = {
      id: randomUUID(),
      name,
      key_hint: secret.slice(0, 11),
      created_at: now().toISOString(),
      last_used_at: null,
      expires_at: expiresAt,
      requests_total: 0,
      credits_used: 0,
      secret,
      revoked_at: null,
    };
    account.keys.unshift(key);
    return { ...keyView(key), key: secret };
  }

  function addRender(account, fields) {
    const render = {
      uuid: randomUUID(),
      status: 'queued',
      mockup_uuid: mockups[0].uuid,
      created_at: now().toISOString(),
      started_at: null,
      completed_at: null,
      result: null,
      error: null,
      credits_charged: 1,
      attempts: 1,
      metadata: null,
      webhook: null,
      webhook_deliveries: [],
      ...fields,
    };
    account.renders.unshift(render);
    account.ledger.unshift({
      id: randomUUID(),
      kind: 'charge',
      amount: -1,
      render_id: render.uuid,
      created_at: render.created_at,
    });
    return render;
  }

  function resultFor(render, label, hue, warnings = []) {
    const file = `/__fake/img/render-${render.uuid}.svg`;
    images.set(file, posterSvg(1200, 900, label, hue));
    return { url: `${origin}${file}`, width: 1200, height: 900, format: 'png', bytes: 734_003, warnings };
  }

  /** A fresh account has a little history so every screen shows something. */
  function seedAccount(account) {
    const t = now().getTime();
    account.ledger.push({
      id: randomUUID(),
      kind: 'grant',
      amount: 100,
      render_id: null,
      note: 'sign-up credits',
      created_at: iso(t - 20 * DAY),
    });
    const server = newKey(account, 'Production server', null);
    const laptop = newKey(account, 'Laptop', null);
    const serverKey = account.keys.find((key) => key.id === server.id);
    Object.assign(serverKey, {
      created_at: iso(t - 20 * DAY),
      last_used_at: iso(t - 3 * 60_000),
      requests_total: 1834,
      credits_used: 212,
    });
    Object.assign(
      account.keys.find((key) => key.id === laptop.id),
      {
        created_at: iso(t - 9 * DAY),
        last_used_at: iso(t - 2 * DAY),
        requests_total: 96,
        credits_used: 11,
      },
    );
    account.usageKeys = [
      { id: server.id, name: 'Production server', scale: 60 },
      { id: laptop.id, name: 'Laptop', scale: 9 },
    ];
    const ok = addRender(account, {
      status: 'succeeded',
      created_at: iso(t - 3 * 3600_000),
      started_at: iso(t - 3 * 3600_000 + 400),
      completed_at: iso(t - 3 * 3600_000 + 2300),
      webhook: { url: 'https://hooks.example.com/platen', status: 'delivered', attempts: 2 },
    });
    ok.result = resultFor(ok, 'Sunset', 20);
    ok.webhook_deliveries = [
      {
        id: randomUUID(),
        webhook_id: `msg_${alnum(20)}`,
        type: 'render.succeeded',
        render_uuid: ok.uuid,
        url: 'https://hooks.example.com/platen',
        status: 'delivered',
        attempts: 2,
        next_attempt_at: null,
        last_status_code: 200,
        created_at: ok.completed_at,
        delivered_at: iso(t - 3 * 3600_000 + 8000),
        attempt_log: [
          { attempted_at: ok.completed_at, status_code: 503, duration_ms: 120, error: 'HTTP 503' },
          { attempted_at: iso(t - 3 * 3600_000 + 8000), status_code: 200, duration_ms: 85, error: null },
        ],
      },
    ];
    addRender(account, {
      status: 'failed',
      mockup_uuid: mockups[1].uuid,
      created_at: iso(t - 5 * 3600_000),
      started_at: iso(t - 5 * 3600_000 + 300),
      completed_at: iso(t - 5 * 3600_000 + 10_400),
      error: { code: 'ASSET_FETCH_FAILED', message: 'The artwork URL answered 404' },
      credits_charged: 0,
      attempts: 3,
    });
    account.ledger.unshift({
      id: randomUUID(),
      kind: 'refund',
      amount: 1,
      render_id: account.renders[0].uuid,
      created_at: iso(t - 5 * 3600_000 + 10_500),
    });
    const older = addRender(account, {
      status: 'succeeded',
      mockup_uuid: mockups[1].uuid,
      created_at: iso(t - 26 * 3600_000),
      started_at: iso(t - 26 * 3600_000 + 200),
      completed_at: iso(t - 26 * 3600_000 + 1450),
    });
    older.result = resultFor(older, 'Waves', 200);
    account.credits = account.ledger.reduce((sum, entry) => sum + entry.amount, 0);
    account.webhooks.push({
      id: randomUUID(),
      url: 'https://hooks.example.com/platen',
      events: ['render.succeeded', 'render.failed'],
      description: 'Order system',
      created_at: iso(t - 7 * DAY),
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
      deliveries: ok.webhook_deliveries,
    });
  }

  function usage(account, days) {
    const end = new Date(now().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
    const rows = [];
    for (let d = days - 1; d >= 0; d -= 1) {
      const date = iso(end - d * DAY).slice(0, 10);
      account.usageKeys.forEach((key, k) => {
        const wave = Math.sin((d + k * 3) / 3.5) + 1.2;
        const requests = Math.round(key.scale * wave * (d % 7 === 5 ? 0.3 : 1));
        if (requests > 0 && !(k === 1 && d > 9)) {
          rows.push({
            date,
            key_id: key.id,
            key_name: key.name,
            requests,
            renders: Math.round(requests * 0.4),
          });
        }
      });
    }
    return { from: iso(end - (days - 1) * DAY).slice(0, 10), to: iso(end).slice(0, 10), rows };
  }

  function me(user) {
    const account = user.account;
    return {
      user: { id: user.id, email: user.email },
      account: { id: account.id, email: user.email, credits: account.credits },
      rate_limits: { per_minute: 100, per_day: 10_000 },
      csrf_token: user.session?.csrf ?? '',
    };
  }

  function startSession(res, user) {
    const sid = randomBytes(18).toString('base64url');
    const csrf = randomBytes(18).toString('base64url');
    sessions.set(sid, { userId: user.email, csrf });
    user.session = { csrf };
    res.setHeader('Set-Cookie', [
      `platen_session=${sid}; HttpOnly; SameSite=Strict; Path=/dashboard`,
      `platen_csrf=${csrf}; SameSite=Strict; Path=/dashboard`,
    ]);
  }

  function cookies(req) {
    return Object.fromEntries(
      (req.headers.cookie ?? '')
        .split(';')
        .map((part) => part.trim().split('='))
        .filter((pair) => pair.length === 2),
    );
  }

  function send(res, status, body, headers = {}) {
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  }

  async function readJson(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > 35 * 1024 * 1024) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      throw new HttpError(400, 'VALIDATION_ERROR', 'Body is not JSON');
    }
  }

  function find(list, predicate) {
    const found = list.find(predicate);
    if (!found) throw new HttpError(404, 'NOT_FOUND', 'Not found');
    return found;
  }

  const failedLogins = new Map();

  async function api(req, res, url) {
    const route = url.pathname.slice('/dashboard/api'.length);
    const method = req.method ?? 'GET';
    if (method !== 'GET' && !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send application/json');
    }

    if (method === 'POST' && (route === '/signup' || route === '/login')) {
      const body = await readJson(req);
      const email = String(body.email ?? '').toLowerCase();
      const password = String(body.password ?? '');
      if (route === '/signup') {
        const issues = [];
        if (!email.includes('@')) issues.push({ path: 'email', message: 'Invalid email address' });
        if (password.length < 12)
          issues.push({ path: 'password', message: 'Must be at least 12 characters' });
        if (issues.length) throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid request', { issues });
        if (users.has(email))
          throw new HttpError(409, 'CONFLICT', 'An account with this email already exists');
        const user = {
          id: randomUUID(),
          email,
          password,
          account: {
            id: randomUUID(),
            credits: 0,
            keys: [],
            ledger: [],
            renders: [],
            webhooks: [],
            usageKeys: [],
          },
        };
        user.account.secret = {
          secret: `whsec_${alnum(32)}`,
          rotated_at: null,
          previous_secret_expires_at: null,
        };
        seedAccount(user.account);
        users.set(email, user);
        startSession(res, user);
        return send(res, 201, { success: true, data: me(user) });
      }
      const failures = failedLogins.get(email) ?? 0;
      if (failures >= 5) {
        throw new HttpError(429, 'RATE_LIMITED', 'Too many failed logins', { retry_after: 60 });
      }
      const user = users.get(email);
      if (!user || user.password !== password) {
        failedLogins.set(email, failures + 1);
        throw new HttpError(401, 'UNAUTHORIZED', 'Wrong email or password');
      }
      failedLogins.delete(email);
      startSession(res, user);
      return send(res, 200, { success: true, data: me(user) });
    }

    const sid = cookies(req).platen_session;
    const session = sid ? sessions.get(sid) : undefined;
    if (!session) throw new HttpError(401, 'UNAUTHORIZED', 'Please log in');
    if (method !== 'GET' && req.headers['x-csrf-token'] !== session.csrf) {
      throw new HttpError(403, 'CSRF_FAILED', 'Missing or wrong CSRF token');
    }
    const user = users.get(session.userId);
    const account = user.account;
    let match;

    if (method === 'POST' && route === '/logout') {
      sessions.delete(sid);
      res.setHeader('Set-Cookie', [
        'platen_session=; Max-Age=0; Path=/dashboard',
        'platen_csrf=; Max-Age=0; Path=/dashboard',
      ]);
      return send(res, 200, { success: true, data: { logged_out: true } });
    }
    if (method === 'GET' && route === '/me') return send(res, 200, { success: true, data: me(user) });

    if (route === '/keys') {
      if (method === 'GET') {
        const status = url.searchParams.get('status');
        const keys = account.keys.map(keyView).filter((key) => !status || key.status === status);
        return send(res, 200, { success: true, data: keys });
      }
      const body = await readJson(req);
      const name = String(body.name ?? '').trim();
      if (!name) {
        throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid request', {
          issues: [{ path: 'name', message: 'Required' }],
        });
      }
      return send(res, 201, { success: true, data: newKey(account, name, body.expires_at ?? null) });
    }
    if (method === 'POST' && (match = /^\/keys\/([^/]+)\/(revoke|rotate)$/.exec(route))) {
      const key = find(account.keys, (candidate) => candidate.id === decodeURIComponent(match[1]));
      if (match[2] === 'revoke') {
        key.revoked_at ??= now().toISOString();
        return send(res, 200, { success: true, data: keyView(key) });
      }
      const body = await readJson(req);
      const grace = Number(body.grace_seconds ?? 0);
      key.expires_at = new Date(now().getTime() + grace * 1000).toISOString();
      if (grace === 0) key.revoked_at = now().toISOString();
      return send(res, 201, { success: true, data: newKey(account, key.name, null) });
    }
    if (method === 'GET' && route === '/usage') {
      const days = Math.min(90, Math.max(1, Number(url.searchParams.get('days') ?? 30)));
      return send(res, 200, { success: true, data: usage(account, days) });
    }
    if (method === 'GET' && route === '/credits') {
      return send(res, 200, {
        success: true,
        data: {
          balance: account.credits,
          entries: [...account.ledger].sort((a, b) => b.created_at.localeCompare(a.created_at)),
        },
        next_cursor: null,
      });
    }
    if (route === '/renders' && method === 'GET') {
      const status = url.searchParams.get('status');
      const list = account.renders
        .filter((render) => !status || render.status === status)
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map(({ webhook_deliveries: _deliveries, ...render }) => render);
      return send(res, 200, { success: true, data: list, next_cursor: null });
    }
    if (route === '/renders' && method === 'POST') {
      const body = await readJson(req);
      const mockup = find(mockups, (candidate) => candidate.uuid === body.mockup_uuid);
      if (account.credits <= 0) throw new HttpError(402, 'INSUFFICIENT_CREDITS', 'Not enough credits');
      const data = body.smart_objects?.[0]?.asset?.data;
      if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
        throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid request', {
          issues: [{ path: 'smart_objects.0.asset.data', message: 'must be base64' }],
        });
      }
      const render = addRender(account, { mockup_uuid: mockup.uuid });
      render.polls = 0;
      account.credits -= 1;
      const { webhook_deliveries: _deliveries, polls: _polls, ...view } = render;
      return send(res, 202, { success: true, data: view });
    }
    if (method === 'GET' && (match = /^\/renders\/([^/]+)$/.exec(route))) {
      const render = find(account.renders, (candidate) => candidate.uuid === decodeURIComponent(match[1]));
      // A "try it" render finishes on the second look.
      if (render.polls !== undefined && render.status !== 'succeeded') {
        render.polls += 1;
        if (render.polls === 1)
          Object.assign(render, { status: 'processing', started_at: now().toISOString() });
        else {
          Object.assign(render, {
            status: 'succeeded',
            completed_at: now().toISOString(),
            // The smoke run's artwork is 4:3 in a 3:4 poster: what the real worker says about it.
            result: resultFor(render, 'Your artwork', 150, [
              {
                code: 'ARTWORK_CROPPED',
                smart_object_uuid: mockups[0].smart_objects[0].uuid,
                message:
                  'Smart object "Poster": fit "cover" cut 44% of the artwork\'s area off (artwork 64×48 px, area 1080:1440). Use fit "contain" to show all of it.',
              },
            ]),
          });
        }
      }
      const { polls: _polls, ...view } = render;
      return send(res, 200, { success: true, data: view });
    }
    if (method === 'GET' && route === '/mockups') return send(res, 200, { success: true, data: mockups });
    if (route === '/webhooks/secret' && method === 'GET') {
      return send(res, 200, { success: true, data: account.secret });
    }
    if (route === '/webhooks/secret/rotate' && method === 'POST') {
      account.secret = {
        secret: `whsec_${alnum(32)}`,
        rotated_at: now().toISOString(),
        previous_secret_expires_at: new Date(now().getTime() + DAY).toISOString(),
      };
      return send(res, 200, { success: true, data: account.secret });
    }
    if (route === '/webhooks') {
      const view = ({ deliveries: _deliveries, ...endpoint }) => endpoint;
      if (method === 'GET') return send(res, 200, { success: true, data: account.webhooks.map(view) });
      const body = await readJson(req);
      if (!/^https?:\/\//.test(String(body.url ?? ''))) {
        throw new HttpError(400, 'VALIDATION_ERROR', 'Invalid request', {
          issues: [{ path: 'url', message: 'must be an http(s) URL' }],
        });
      }
      const endpoint = {
        id: randomUUID(),
        url: body.url,
        events: body.events,
        description: body.description ?? null,
        created_at: now().toISOString(),
        disabled_at: null,
        disabled_reason: null,
        failing_since: null,
        deliveries: [],
      };
      account.webhooks.unshift(endpoint);
      return send(res, 201, { success: true, data: { ...view(endpoint), secret: `whsec_${alnum(32)}` } });
    }
    if ((match = /^\/webhooks\/([^/]+)(\/deliveries)?$/.exec(route))) {
      const id = decodeURIComponent(match[1]);
      const endpoint = find(account.webhooks, (candidate) => candidate.id === id);
      if (match[2] && method === 'GET') return send(res, 200, { success: true, data: endpoint.deliveries });
      if (!match[2] && method === 'DELETE') {
        account.webhooks = account.webhooks.filter((candidate) => candidate !== endpoint);
        return send(res, 200, { success: true, data: { id, deleted: true } });
      }
    }
    throw new HttpError(404, 'NOT_FOUND', 'Not found');
  }

  async function staticFile(res, relative) {
    const file = path.join(webRoot, relative);
    if (!file.startsWith(webRoot + path.sep)) return false;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cacheControlFor(relative),
      // The policy README.md recommends to the gateway: a violation shows up as a console error.
      'Content-Security-Policy':
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    });
    res.end(await readFile(file));
    return true;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const handle = async () => {
      if (url.pathname.startsWith('/dashboard/api/')) return api(req, res, url);
      if (url.pathname === '/__fake/expire-sessions' && req.method === 'POST') {
        sessions.clear();
        return send(res, 200, { success: true, data: { expired: true } });
      }
      if (images.has(url.pathname)) {
        res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-cache' });
        return res.end(images.get(url.pathname));
      }
      if (url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/')) {
        const relative = decodeURIComponent(url.pathname.slice('/dashboard/'.length));
        if (relative && (await staticFile(res, relative))) return;
        if (relative.startsWith('assets/')) throw new HttpError(404, 'NOT_FOUND', 'Not found');
        await staticFile(res, 'index.html');
        return;
      }
      throw new HttpError(404, 'NOT_FOUND', 'Not found');
    };
    handle().catch((error) => {
      const known = error instanceof HttpError;
      const message = known ? error.message : 'Internal error';
      if (!known) console.error(error);
      send(
        res,
        known ? error.status : 500,
        {
          success: false,
          error: message,
          detail: message,
          code: known ? error.code : 'INTERNAL_ERROR',
          ...(known && error.details ? { details: error.details } : {}),
          request_id: randomUUID(),
        },
        known && error.status === 429 ? { 'Retry-After': String(error.details?.retry_after ?? 60) } : {},
      );
    });
  });

  return {
    async listen() {
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${server.address().port}`;
      return origin;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
