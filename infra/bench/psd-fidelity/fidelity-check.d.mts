// Types of fidelity-check.mjs, for the TypeScript test beside the benchmark.
import type { Compositor } from '@platen/compositor';

export interface FidelityWarning {
  layer: string;
  code: string;
  message: string;
}
export interface SmartObjectReport {
  uuid: string;
  name: string;
  required: boolean;
  size: { width: number; height: number };
  file?: string;
  note?: string;
  artwork: boolean;
}
export interface FidelityResult {
  status: 'ready' | 'refused';
  code?: string;
  message?: string;
  size?: string;
  reference?: 'composite' | 'stored layers';
  caveats?: string[];
  warnings: FidelityWarning[];
  notes: string[];
  smartObjects?: SmartObjectReport[];
  renderError?: string;
  mad?: number;
  offShare?: number;
  sideBySide?: Buffer;
}
export interface FidelityCheckDeps {
  parse: (
    bytes: Buffer,
    mockupId: string,
  ) => Promise<{ manifest: unknown; assets: Map<string, Buffer>; warnings: FidelityWarning[] }>;
  compositor: Compositor;
  demoArtwork: () => Promise<Buffer>;
  classify: (error: unknown) => { code: string; message: string };
}
export declare function createFidelityCheck(
  deps: FidelityCheckDeps,
): (bytes: Buffer) => Promise<FidelityResult>;
