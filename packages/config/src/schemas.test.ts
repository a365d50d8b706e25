import { ConfigError, parseEnv } from './parse-env.js';
import {
  gatewayConfigSchema,
  keyServiceConfigSchema,
  localStackConfigSchema,
  renderWorkerConfigSchema,
  renderWorkerSlots,
} from './schemas.js';

const valid = {
  DATABASE_URL: 'postgres://127.0.0.1:5432/platen',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SERVICE_JWT_SECRET: 'x'.repeat(32),
};

describe('service configuration', () => {
  it('fills the documented defaults', () => {
    const config = parseEnv(keyServiceConfigSchema, valid);
    expect(config.KEY_SERVICE_PORT).toBe(8081);
    expect(config.KEY_PREFIX).toBe('sm_');
    expect(config.DATA_DIR).toBe('.data');
    expect(config.SIGNUP_CREDITS).toBe(100);
  });

  it('takes SIGNUP_CREDITS as a whole number from 0, and names it when it is not one', () => {
    expect(parseEnv(keyServiceConfigSchema, { ...valid, SIGNUP_CREDITS: '0' }).SIGNUP_CREDITS).toBe(0);
    expect(parseEnv(keyServiceConfigSchema, { ...valid, SIGNUP_CREDITS: '25' }).SIGNUP_CREDITS).toBe(25);
    for (const bad of ['-1', '2.5', 'lots']) {
      expect(() => parseEnv(keyServiceConfigSchema, { ...valid, SIGNUP_CREDITS: bad })).toThrow(
        /SIGNUP_CREDITS/,
      );
    }
  });

  it('names every bad variable in one error', () => {
    let caught: unknown;
    try {
      parseEnv(keyServiceConfigSchema, {
        ...valid,
        DATABASE_URL: 'mysql://x',
        KEY_SERVICE_PORT: 'eighty',
        SERVICE_JWT_SECRET: 'short',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('KEY_SERVICE_PORT');
    expect(message).toContain('SERVICE_JWT_SECRET');
  });

  it('reports a missing required variable by name', () => {
    expect(() => parseEnv(keyServiceConfigSchema, { REDIS_URL: valid.REDIS_URL })).toThrow(/DATABASE_URL/);
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(gatewayConfigSchema, { ...valid, PORT: '' }).PORT).toBe(8080);
  });

  it('gives the gateway a 30 s body timeout, configurable and refused when absurd', () => {
    expect(parseEnv(gatewayConfigSchema, valid).BODY_TIMEOUT_MS).toBe(30_000);
    expect(parseEnv(gatewayConfigSchema, { ...valid, BODY_TIMEOUT_MS: '5000' }).BODY_TIMEOUT_MS).toBe(5_000);
    expect(() => parseEnv(gatewayConfigSchema, { ...valid, BODY_TIMEOUT_MS: '0' })).toThrow(
      /BODY_TIMEOUT_MS/,
    );
    expect(() => parseEnv(gatewayConfigSchema, { ...valid, BODY_TIMEOUT_MS: 'soon' })).toThrow(
      /BODY_TIMEOUT_MS/,
    );
  });

  it('keeps idle gateway connections 65 s by default, configurable and refused when absurd', () => {
    expect(parseEnv(gatewayConfigSchema, valid).KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(
      parseEnv(gatewayConfigSchema, { ...valid, KEEP_ALIVE_TIMEOUT_MS: '120000' }).KEEP_ALIVE_TIMEOUT_MS,
    ).toBe(120_000);
    expect(() => parseEnv(gatewayConfigSchema, { ...valid, KEEP_ALIVE_TIMEOUT_MS: '0' })).toThrow(
      /KEEP_ALIVE_TIMEOUT_MS/,
    );
  });

  it('splits OUTBOUND_ALLOW into hosts and CIDRs', () => {
    const config = parseEnv(gatewayConfigSchema, { ...valid, OUTBOUND_ALLOW: 'n8n.internal, 10.1.0.0/16' });
    expect(config.OUTBOUND_ALLOW).toEqual(['n8n.internal', '10.1.0.0/16']);
  });

  it('refuses a key prefix that could be confused with the key body', () => {
    expect(() => parseEnv(keyServiceConfigSchema, { ...valid, KEY_PREFIX: 'SM-' })).toThrow(/KEY_PREFIX/);
  });
});

describe('render worker slots', () => {
  it('defaults to 2 compose slots, 16 jobs in hand and 4 per account', () => {
    expect(renderWorkerSlots(parseEnv(renderWorkerConfigSchema, valid))).toEqual({
      compose: 2,
      jobs: 16,
      perAccount: 4,
    });
  });

  it('grows the defaults with WORKER_CONCURRENCY so one account alone can fill every compose slot', () => {
    const config = parseEnv(renderWorkerConfigSchema, { ...valid, WORKER_CONCURRENCY: '12' });
    expect(renderWorkerSlots(config)).toEqual({ compose: 12, jobs: 24, perAccount: 12 });
  });

  it('refuses a per-account share that leaves no job slot for other accounts', () => {
    expect(() =>
      parseEnv(renderWorkerConfigSchema, {
        ...valid,
        WORKER_FETCH_CONCURRENCY: '8',
        WORKER_ACCOUNT_JOBS: '8',
      }),
    ).toThrow(/WORKER_ACCOUNT_JOBS: must be below WORKER_FETCH_CONCURRENCY/);
  });

  it('refuses a per-account share smaller than the compose slots', () => {
    expect(() =>
      parseEnv(renderWorkerConfigSchema, { ...valid, WORKER_CONCURRENCY: '4', WORKER_ACCOUNT_JOBS: '2' }),
    ).toThrow(/WORKER_ACCOUNT_JOBS: must be at least WORKER_CONCURRENCY/);
  });
});

describe('artwork cache', () => {
  it('keeps 256 MiB of decoded artwork unless ARTWORK_CACHE_BYTES says otherwise (0: off)', () => {
    expect(parseEnv(renderWorkerConfigSchema, valid).ARTWORK_CACHE_BYTES).toBe(268_435_456);
    expect(
      parseEnv(renderWorkerConfigSchema, { ...valid, ARTWORK_CACHE_BYTES: '0' }).ARTWORK_CACHE_BYTES,
    ).toBe(0);
  });

  it('refuses a negative or fractional ARTWORK_CACHE_BYTES, naming it', () => {
    expect(() => parseEnv(renderWorkerConfigSchema, { ...valid, ARTWORK_CACHE_BYTES: '-1' })).toThrow(
      /ARTWORK_CACHE_BYTES/,
    );
    expect(() => parseEnv(renderWorkerConfigSchema, { ...valid, ARTWORK_CACHE_BYTES: '1.5' })).toThrow(
      /ARTWORK_CACHE_BYTES/,
    );
  });
});

describe('warped layer cache', () => {
  it('keeps 128 MiB of warped layers unless WARPED_LAYER_CACHE_BYTES says otherwise (0: off)', () => {
    expect(parseEnv(renderWorkerConfigSchema, valid).WARPED_LAYER_CACHE_BYTES).toBe(134_217_728);
    expect(
      parseEnv(renderWorkerConfigSchema, { ...valid, WARPED_LAYER_CACHE_BYTES: '0' })
        .WARPED_LAYER_CACHE_BYTES,
    ).toBe(0);
  });

  it('refuses a negative or non-numeric WARPED_LAYER_CACHE_BYTES, naming it', () => {
    for (const bad of ['-1', '128MiB']) {
      expect(() => parseEnv(renderWorkerConfigSchema, { ...valid, WARPED_LAYER_CACHE_BYTES: bad })).toThrow(
        /WARPED_LAYER_CACHE_BYTES/,
      );
    }
  });
});

describe('storage configuration', () => {
  it('defaults to the local driver', () => {
    expect(parseEnv(gatewayConfigSchema, valid).STORAGE_DRIVER).toBe('local');
  });

  it('requires a bucket for the S3 driver', () => {
    expect(() => parseEnv(gatewayConfigSchema, { ...valid, STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET/);
    expect(
      parseEnv(gatewayConfigSchema, {
        ...valid,
        STORAGE_DRIVER: 's3',
        S3_BUCKET: 'b',
        S3_FORCE_PATH_STYLE: 'true',
      }).S3_FORCE_PATH_STYLE,
    ).toBe(true);
  });
});

describe('listener configuration', () => {
  it('binds containers to every interface, and npm start to 127.0.0.1', () => {
    expect(parseEnv(gatewayConfigSchema, valid).HOST).toBe('0.0.0.0');
    expect(parseEnv(renderWorkerConfigSchema, valid).METRICS_HOST).toBe('0.0.0.0');
    expect(parseEnv(localStackConfigSchema, {}).HOST).toBe('127.0.0.1');
  });

  it("leaves npm start's internal ports unset (a free port each) unless named", () => {
    const config = parseEnv(localStackConfigSchema, {});
    expect(config.KEY_SERVICE_PORT).toBeUndefined();
    expect(config.METRICS_PORT).toBeUndefined();
    expect(parseEnv(localStackConfigSchema, { KEY_SERVICE_PORT: '9101' }).KEY_SERVICE_PORT).toBe(9101);
    expect(() => parseEnv(localStackConfigSchema, { METRICS_PORT: '0' })).toThrow(/METRICS_PORT/);
  });

  it('refuses a METRICS_TOKEN shorter than 16 characters', () => {
    expect(() => parseEnv(gatewayConfigSchema, { ...valid, METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN/,
    );
    expect(parseEnv(gatewayConfigSchema, valid).METRICS_TOKEN).toBeUndefined();
  });
});
