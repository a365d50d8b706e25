// How close a baseline's output is to Platen's: both JPEGs decoded to RGB, then the mean absolute
// difference per channel (0–255) and the share of pixels where some channel differs by more than 32.
import sharp from 'sharp';

const FAR = 32;

/** @returns {Promise<{ meanAbs: number, farShare: number } | { mismatch: string }>} */
export async function compareImages(reference, candidate) {
  const [a, b] = await Promise.all([decode(reference), decode(candidate)]);
  if (a.width !== b.width || a.height !== b.height)
    return { mismatch: `${b.width}×${b.height}, Platen ${a.width}×${a.height}` };
  let sum = 0;
  let far = 0;
  for (let i = 0; i < a.data.length; i += 3) {
    const dr = Math.abs(a.data[i] - b.data[i]);
    const dg = Math.abs(a.data[i + 1] - b.data[i + 1]);
    const db = Math.abs(a.data[i + 2] - b.data[i + 2]);
    sum += dr + dg + db;
    if (dr > FAR || dg > FAR || db > FAR) far++;
  }
  const pixels = a.data.length / 3;
  return { meanAbs: sum / a.data.length, farShare: far / pixels };
}

async function decode(jpeg) {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
