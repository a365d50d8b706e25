// Does anything answer on 127.0.0.1:<port>? Plain Node, for jest's globalSetup before any build.
import { connect } from 'node:net';

export function answersOn(port, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
