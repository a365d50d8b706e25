// Batch shapes: the generated ones (generated/openapi.ts), with the request narrowed to what the
// gateway accepts: exactly one of explicit `items` or the cross product `mockups` × `colors`.
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

export type BatchArtwork = Schemas['BatchArtwork'];
export type BatchItem = Schemas['BatchItem'];
export type BatchRender = Schemas['BatchRender'];
export type Batch = Schemas['Batch'];
export type BatchSummary = Schemas['BatchSummary'];
export type BatchCounts = Batch['counts'];

type BatchCommon = Omit<Schemas['CreateBatchRequest'], 'items' | 'mockups' | 'colors'>;

/** Either explicit `items`, or the cross product `mockups` × `colors` × every artwork. */
export type CreateBatchRequest =
  | (BatchCommon & { items: BatchItem[]; mockups?: never; colors?: never })
  | (BatchCommon & { mockups: string[]; colors?: string[]; items?: never });
