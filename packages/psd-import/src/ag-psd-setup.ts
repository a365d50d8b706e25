// ag-psd decodes layer pixels into ImageData-like objects; in Node there is no canvas, so it gets a
// plain constructor for them (`useImageData` then keeps them as bytes, never a canvas). Its placed
// layer reader also keeps each smart filter stack's raw descriptor (smart-filter-descriptors.ts), and
// its pattern fill reader a pattern's scale and angle (fill-descriptors.ts).
import { initializeCanvas } from 'ag-psd';
import { recordFillDescriptors } from './fill-descriptors.js';
import { recordSmartFilterDescriptors } from './smart-filter-descriptors.js';

let ready = false;

export function setUpAgPsd(): void {
  if (ready) return;
  initializeCanvas(
    () => {
      throw new Error('no canvas in Node: read with useImageData');
    },
    (width: number, height: number) => ({
      width,
      height,
      data: new Uint8ClampedArray(width * height * 4),
      colorSpace: 'srgb' as const,
    }),
  );
  recordSmartFilterDescriptors();
  recordFillDescriptors();
  ready = true;
}
