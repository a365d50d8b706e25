import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateMetricsToken, readOrCreateServiceSecret } from './service-secret.js';

let dataDir: string;

beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'platen-secret-')), 'data');
});

afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

describe('service secret', () => {
  it('is created on first start in a file only its owner can read, and reused after', () => {
    const first = readOrCreateServiceSecret({ DATA_DIR: dataDir });
    expect(first.length).toBeGreaterThanOrEqual(64);
    expect(statSync(join(dataDir, 'service-jwt.secret')).mode & 0o777).toBe(0o600);
    expect(readOrCreateServiceSecret({ DATA_DIR: dataDir })).toBe(first);
  });

  it('is SERVICE_JWT_SECRET when set, and then no file is written', () => {
    const secret = 's'.repeat(40);
    expect(readOrCreateServiceSecret({ DATA_DIR: dataDir, SERVICE_JWT_SECRET: secret })).toBe(secret);
    expect(() => statSync(join(dataDir, 'service-jwt.secret'))).toThrow();
  });

  it('refuses a secret file holding a short secret, naming the file', () => {
    readOrCreateServiceSecret({ DATA_DIR: dataDir });
    writeFileSync(join(dataDir, 'service-jwt.secret'), 'short\n');
    expect(() => readOrCreateServiceSecret({ DATA_DIR: dataDir })).toThrow(
      /service-jwt\.secret.*shorter than 32/,
    );
  });
});

describe('metrics token', () => {
  it('is created once in DATA_DIR/metrics.token (0600), apart from the service secret, and reused after', () => {
    const first = readOrCreateMetricsToken({ DATA_DIR: dataDir });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, 'metrics.token')).mode & 0o777).toBe(0o600);
    expect(first).not.toBe(readOrCreateServiceSecret({ DATA_DIR: dataDir }));
    expect(readOrCreateMetricsToken({ DATA_DIR: dataDir })).toBe(first);
  });

  it('is METRICS_TOKEN when set, and then no file is written', () => {
    const token = 't'.repeat(20);
    expect(readOrCreateMetricsToken({ DATA_DIR: dataDir, METRICS_TOKEN: token })).toBe(token);
    expect(() => statSync(join(dataDir, 'metrics.token'))).toThrow();
  });
});
