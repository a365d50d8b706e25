// What opening Postgres or Redis hands back: where to connect, and how to undo the opening.

export interface OpenedService {
  url: string;
  /** Stops what this call started; a no-op when it attached to something already running. */
  close(): Promise<void>;
}

export interface AttachOptions {
  /**
   * Also stop an instance this call merely attached to. `npm start` sets it once it holds the
   * DATA_DIR lock: a Postgres or Redis still running then was left behind by a launcher that died.
   */
  adoptRunning?: boolean;
}

export const attachedOnly = (url: string): OpenedService => ({ url, close: () => Promise.resolve() });
