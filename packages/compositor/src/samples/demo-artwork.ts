// A colourful, clearly oriented artwork made from shapes only (no fonts, so it renders the same
// everywhere): used for sample thumbnails, examples and tests.
import sharp from 'sharp';

/** PNG bytes of the demo artwork: a sunset landscape poster with a marker in its top-left corner. */
export async function createDemoArtwork(width = 1200, height = 1500): Promise<Buffer> {
  const w = width;
  const h = height;
  const stripes = Array.from({ length: 7 }, (_, i) => {
    const y = h * (0.36 + i * 0.035);
    return `<rect x="0" y="${y}" width="${w}" height="${h * 0.012}" fill="#ffd27a" opacity="${0.55 - i * 0.06}"/>`;
  }).join('');
  const body = `
    <defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#2b1055"/><stop offset="0.45" stop-color="#d53369"/><stop offset="0.75" stop-color="#ff9a44"/>
      </linearGradient>
      <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#1b5e8c"/><stop offset="1" stop-color="#0b2545"/>
      </linearGradient>
      <radialGradient id="sun" cx="0.5" cy="0.5" r="0.5">
        <stop offset="0" stop-color="#fff3b0"/><stop offset="0.7" stop-color="#ffd166"/><stop offset="1" stop-color="#ff9f1c"/>
      </radialGradient>
    </defs>
    <rect width="${w}" height="${h}" fill="url(#sky)"/>
    <circle cx="${w * 0.5}" cy="${h * 0.42}" r="${w * 0.22}" fill="url(#sun)"/>
    ${stripes}
    <polygon points="0,${h * 0.62} ${w * 0.22},${h * 0.44} ${w * 0.4},${h * 0.58} ${w * 0.6},${h * 0.4} ${w * 0.82},${h * 0.56} ${w},${h * 0.47} ${w},${h * 0.7} 0,${h * 0.7}" fill="#3d1e6d"/>
    <polygon points="0,${h * 0.7} ${w * 0.3},${h * 0.6} ${w * 0.55},${h * 0.68} ${w * 0.78},${h * 0.62} ${w},${h * 0.69} ${w},${h * 0.74} 0,${h * 0.74}" fill="#25134a"/>
    <rect x="0" y="${h * 0.74}" width="${w}" height="${h * 0.26}" fill="url(#sea)"/>
    ${Array.from({ length: 6 }, (_, i) => `<rect x="${w * (0.3 + i * 0.02)}" y="${h * (0.77 + i * 0.03)}" width="${w * (0.4 - i * 0.04)}" height="${h * 0.008}" fill="#ffd166" opacity="0.7"/>`).join('')}
    <rect x="${w * 0.04}" y="${h * 0.04}" width="${w * 0.92}" height="${h * 0.92}" fill="none" stroke="#ffffff" stroke-width="${w * 0.012}"/>
    <rect x="${w * 0.07}" y="${h * 0.06}" width="${w * 0.1}" height="${w * 0.1}" fill="#22d3ee"/>
    <circle cx="${w * 0.85}" cy="${h * 0.12}" r="${w * 0.04}" fill="#f8fafc" opacity="0.9"/>
    <rect x="${w * 0.12}" y="${h * 0.86}" width="${w * 0.76}" height="${h * 0.05}" rx="${h * 0.025}" fill="#ffffff" opacity="0.92"/>
    <rect x="${w * 0.16}" y="${h * 0.875}" width="${w * 0.3}" height="${h * 0.02}" rx="${h * 0.01}" fill="#d53369"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${body}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
