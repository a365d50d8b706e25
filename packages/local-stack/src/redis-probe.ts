// Which redis-server answers on 127.0.0.1:<port>, if any: its pid from INFO over a raw socket, so the
// launcher needs no Redis client and never mistakes someone else's Redis on that port for its own.
// A Redis still loading its AOF answers -LOADING: not ready, so no pid yet.
import { connect } from 'node:net';

const PID_LINE = /process_id:(\d+)\r\n/;

export function redisServerPid(port: number, timeoutMs = 1_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (pid: number | undefined) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('end', () => finish(undefined));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.startsWith('-')) return finish(undefined);
      const match = PID_LINE.exec(answer);
      if (match) finish(Number(match[1]));
      else if (answer.length > 64 * 1024) finish(undefined);
    });
  });
}
