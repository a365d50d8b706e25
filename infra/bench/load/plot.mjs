// The queue-depth-over-time plot of the load benchmark: an SVG drawn here (no chart library), turned
// into a PNG by sharp. Top panel: render jobs waiting and active; bottom: renders accepted and
// completed per second. The traffic window is shaded; what follows it is the queue draining.
import { Buffer } from 'node:buffer';
import sharp from 'sharp';

const W = 960;
const PANEL_H = 200;
const M = { left: 64, right: 24, top: 40, gap: 56, bottom: 44 };
const H = M.top + PANEL_H * 2 + M.gap + M.bottom;

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(value) {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

function panel({ top, samples, series, xMax, label }) {
  const yMax = niceMax(Math.max(1, ...series.flatMap((s) => samples.map((p) => p[s.key] ?? 0))));
  const x = (t) => M.left + (t / xMax) * (W - M.left - M.right);
  const y = (v) => top + PANEL_H - (v / yMax) * PANEL_H;
  const out = [];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${esc(Number(v.toPrecision(3)))}</text>`,
    );
  }
  const xStep = niceMax(xMax / 8);
  for (let t = 0; t <= xMax; t += xStep) {
    out.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${top + PANEL_H}" y2="${top + PANEL_H + 4}" stroke="#333"/>`,
      `<text x="${x(t)}" y="${top + PANEL_H + 16}" text-anchor="middle" font-size="11">${t}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${top}" width="${W - M.left - M.right}" height="${PANEL_H}" fill="none" stroke="#333"/>`,
    `<text x="${M.left}" y="${top - 8}" font-size="12" font-weight="bold">${esc(label)}</text>`,
  );
  series.forEach((s, i) => {
    const points = samples
      .filter((p) => Number.isFinite(p[s.key]))
      .map((p) => `${x(p.t).toFixed(1)},${y(p[s.key]).toFixed(1)}`)
      .join(' ');
    out.push(
      `<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`,
      `<rect x="${W - M.right - 190}" y="${top + 8 + i * 16}" width="12" height="3" fill="${s.color}"/>`,
      `<text x="${W - M.right - 172}" y="${top + 13 + i * 16}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  return { svg: out.join('\n'), x };
}

/**
 * samples: [{ t (s since the traffic began), waiting, active, accepted, completed }], trafficSeconds:
 * when the traffic stopped. Writes the PNG to `path`.
 */
export async function writeQueuePlot(path, { samples, trafficSeconds, title }) {
  const xMax = Math.max(1, Math.ceil(Math.max(trafficSeconds, ...samples.map((p) => p.t))));
  const top = panel({
    top: M.top,
    samples,
    xMax,
    label: 'render jobs in the queue',
    series: [
      { key: 'waiting', name: 'waiting', color: '#1f77b4' },
      { key: 'active', name: 'active (being rendered)', color: '#ff7f0e' },
    ],
  });
  const bottom = panel({
    top: M.top + PANEL_H + M.gap,
    samples,
    xMax,
    label: 'renders per second',
    series: [
      { key: 'accepted', name: 'accepted (202)', color: '#2ca02c' },
      { key: 'completed', name: 'completed (succeeded)', color: '#9467bd' },
    ],
  });
  const shade = (panelTop) =>
    `<rect x="${M.left}" y="${panelTop}" width="${top.x(trafficSeconds) - M.left}" height="${PANEL_H}" fill="#f3f6fb"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
${shade(M.top)}
${shade(M.top + PANEL_H + M.gap)}
${top.svg}
${bottom.svg}
<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">seconds since the traffic began (shaded: traffic on; after it: the queue draining)</text>
</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
  return svg;
}
