// Table types of schema `renders` (written by the gateway, updated by the render-worker).
export type RendersDatabase = Record<never, never>;
