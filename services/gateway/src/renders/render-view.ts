// The gateway's view of a render row: docs/api.md's render object with result.url signed at read time
// (the shape itself is shared with the worker's webhook payloads: toPublicRender).
import type { Render } from '@platen/contracts';
import { toPublicRender } from '@platen/mockups';
import type { ObjectStorage } from '@platen/storage';
import type { RenderRow } from './render-store.js';

export type RenderView = (row: RenderRow) => Promise<Render>;

export function createRenderView({
  storage,
  urlTtlSeconds,
}: {
  storage: ObjectStorage;
  urlTtlSeconds: number;
}): RenderView {
  return (row) => toPublicRender(row, storage, urlTtlSeconds);
}
