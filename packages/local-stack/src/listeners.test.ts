import { createServer, type Server } from 'node:net';
import { checkNamedPorts, gatewayProbeHost, listenerLines, resolveListeners } from './listeners.js';

const base = { HOST: '127.0.0.1', PORT: 18080, KEY_SERVICE_PORT: undefined, METRICS_PORT: undefined };

function holdPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

describe('npm start listeners', () => {
  it('gives the key-service and the worker metrics distinct free ports when none is named', async () => {
    const listeners = await resolveListeners(base);
    expect(listeners.host).toBe('127.0.0.1');
    expect(listeners.gateway).toBe(18080);
    expect(new Set([listeners.gateway, listeners.keyService, listeners.workerMetrics]).size).toBe(3);
    expect(listeners.keyService).not.toBe(8081);
    expect(listeners.workerMetrics).not.toBe(9464);
  });

  it('keeps the ports the operator named', async () => {
    const listeners = await resolveListeners({ ...base, KEY_SERVICE_PORT: 18081, METRICS_PORT: 19464 });
    expect(listeners).toEqual({ host: '127.0.0.1', gateway: 18080, keyService: 18081, workerMetrics: 19464 });
  });

  it('refuses PORT=0, two names for one port, and a named port already in use, naming the variable', async () => {
    await expect(checkNamedPorts({ ...base, PORT: 0 })).rejects.toThrow('PORT must be a fixed port');
    await expect(checkNamedPorts({ ...base, METRICS_PORT: 18080 })).rejects.toThrow(
      'PORT and METRICS_PORT must differ (both 18080)',
    );
    const held = await holdPort();
    try {
      await expect(checkNamedPorts({ ...base, KEY_SERVICE_PORT: held.port })).rejects.toThrow(
        `port ${held.port} (KEY_SERVICE_PORT) is already in use`,
      );
    } finally {
      held.server.close();
    }
  });

  it('prints every URL, saying whether other machines can reach the gateway, never the token', () => {
    const listeners = { host: '127.0.0.1', gateway: 8080, keyService: 41000, workerMetrics: 41001 };
    expect(listenerLines(listeners, { workerRuns: true, metricsTokenFrom: '/d/metrics.token' })).toEqual([
      'gateway        http://localhost:8080  (this machine only)',
      '  /metrics     http://localhost:8080/metrics  (Authorization: Bearer </d/metrics.token>)',
      'key-service    http://127.0.0.1:41000  (internal)',
      'render-worker  http://127.0.0.1:41001/metrics  (and /healthz)',
    ]);
    const open = listenerLines(
      { ...listeners, host: '0.0.0.0' },
      { workerRuns: false, metricsTokenFrom: 'METRICS_TOKEN' },
    );
    expect(open[0]).toBe(
      'gateway        http://localhost:8080  (HOST=0.0.0.0: reachable from other machines)',
    );
    expect(open.some((line) => line.startsWith('render-worker'))).toBe(false);
  });

  it('probes the gateway on loopback when it binds every interface, else on its own address', () => {
    expect(gatewayProbeHost('0.0.0.0')).toBe('127.0.0.1');
    expect(gatewayProbeHost('::')).toBe('127.0.0.1');
    expect(gatewayProbeHost('10.0.0.5')).toBe('10.0.0.5');
    expect(gatewayProbeHost('fd00::5')).toBe('[fd00::5]');
  });
});
