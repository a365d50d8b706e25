// Types of compare.mjs, for the TypeScript test beside the benchmark.
export interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}
export declare const OFF_LEVELS: number;
export declare function onWhite(image: Rgba): Uint8Array;
export declare function compareImages(reference: Rgba, render: Rgba): { mad: number; offShare: number };
export declare function decodeRgba(bytes: Buffer): Promise<Rgba>;
export declare function crop(
  image: Rgba,
  box: { left: number; top: number; right: number; bottom: number },
): Rgba | undefined;
export declare function sideBySide(reference: Rgba, render: Rgba): Promise<Buffer>;
