// What the CLI touches of its process: two output streams and, only for commands that read a
// password, stdin. stdin is opened lazily so a command that never reads it never holds the process.

export interface CliOutput {
  write(chunk: string): unknown;
}

/** stdin as a stream; `setRawMode` exists when it is a terminal (node's tty.ReadStream). */
export interface CliInputStream extends NodeJS.ReadableStream {
  setRawMode?(mode: boolean): unknown;
}

export interface CliInput {
  /** A person is typing: the CLI may prompt (without echo) instead of failing. */
  isTTY: boolean;
  open(): CliInputStream;
}
