// Types of photoshop-reference.mjs, for the TypeScript test beside the benchmark.
import type { Psd } from 'ag-psd';
import type { Rgba } from './compare.mjs';

export interface PhotoshopReference {
  image: Rgba;
  kind: 'composite' | 'stored layers';
  caveats: string[];
}
export declare function readDocument(bytes: Buffer): Psd;
export declare function photoshopReference(psd: Psd): PhotoshopReference;
export declare function flattenStoredLayers(psd: Psd): { image: Rgba; caveats: string[] };
