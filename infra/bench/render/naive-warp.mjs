// The warp that sharp and jimp do not have, written the straightforward way for their baselines:
// a full-canvas RGBA layer, filled by mapping each pixel of the warp's bounding box back into the
// design-size artwork (inverse homography, or per mesh triangle its barycentric map) and sampling
// bilinearly. No work-size artwork, no caching; edges get only the softness bilinear alpha gives.
const { ceil, floor, max, min } = Math;

/**
 * @param {{ data: Uint8Array, width: number, height: number }} art straight RGBA, design size
 * @param {ReturnType<typeof import('./template-plan.mjs').geometryOf>} geometry
 * @param {{ width: number, height: number }} canvas
 * @param {{ map: { data: Uint8Array, width: number, height: number, x: number, y: number }, strength: number }} [displacement]
 *   grey map in canvas pixels: 128 neutral, 0 / 255 shift the sampling position by ∓/± strength
 * @returns {Uint8ClampedArray} straight RGBA, canvas.width × canvas.height
 */
export function warpToCanvas(art, geometry, canvas, displacement) {
  const out = new Uint8ClampedArray(canvas.width * canvas.height * 4);
  if (geometry.kind === 'mesh') warpMesh(out, canvas, art, geometry.mesh);
  else warpPerspective(out, canvas, art, geometry, displacement);
  return out;
}

function warpPerspective(out, canvas, art, { quad, inverse }, displacement) {
  const margin = 2 + (displacement ? ceil(displacement.strength) : 0);
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = max(0, floor(min(...xs)) - margin);
  const x1 = min(canvas.width, ceil(max(...xs)) + margin);
  const y0 = max(0, floor(min(...ys)) - margin);
  const y1 = min(canvas.height, ceil(max(...ys)) + margin);
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = inverse;
  const scale = displacement ? displacement.strength / 127.5 : 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const shift = displacement ? (greyAt(displacement.map, x, y) - 127.5) * scale : 0;
      const px = x + 0.5 + shift;
      const py = y + 0.5 + shift;
      const w = h6 * px + h7 * py + h8;
      if (!(w > 0)) continue;
      sample(
        out,
        (y * canvas.width + x) * 4,
        art,
        (h0 * px + h1 * py + h2) / w,
        (h3 * px + h4 * py + h5) / w,
      );
    }
  }
}

function warpMesh(out, canvas, art, { cols, rows, points }) {
  const at = (i, j) => points[j * (cols + 1) + i];
  const uv = (i, j) => [(i / cols) * art.width, (j / rows) * art.height];
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const corners = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
      const uvs = [uv(i, j), uv(i + 1, j), uv(i + 1, j + 1), uv(i, j + 1)];
      triangle(out, canvas, art, [corners[0], corners[1], corners[2]], [uvs[0], uvs[1], uvs[2]]);
      triangle(out, canvas, art, [corners[0], corners[2], corners[3]], [uvs[0], uvs[2], uvs[3]]);
    }
  }
}

/** Fills the pixels whose centres lie in the triangle, each sampled at its barycentric artwork point. */
function triangle(out, canvas, art, [[ax, ay], [bx, by], [cx, cy]], [ta, tb, tc]) {
  const det = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
  if (Math.abs(det) < 1e-9) return;
  const x0 = max(0, floor(min(ax, bx, cx)));
  const x1 = min(canvas.width, ceil(max(ax, bx, cx)) + 1);
  const y0 = max(0, floor(min(ay, by, cy)));
  const y1 = min(canvas.height, ceil(max(ay, by, cy)) + 1);
  const eps = -1e-7;
  for (let y = y0; y < y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x < x1; x++) {
      const px = x + 0.5;
      const l1 = ((px - ax) * (cy - ay) - (cx - ax) * (py - ay)) / det;
      const l2 = ((bx - ax) * (py - ay) - (px - ax) * (by - ay)) / det;
      const l0 = 1 - l1 - l2;
      if (l0 < eps || l1 < eps || l2 < eps) continue;
      const u = l0 * ta[0] + l1 * tb[0] + l2 * tc[0];
      const v = l0 * ta[1] + l1 * tb[1] + l2 * tc[1];
      sample(out, (y * canvas.width + x) * 4, art, u, v);
    }
  }
}

function greyAt(map, x, y) {
  const mx = x - map.x;
  const my = y - map.y;
  if (mx < 0 || my < 0 || mx >= map.width || my >= map.height) return 127.5;
  return map.data[my * map.width + mx];
}

/** Bilinear sample at artwork position (u, v) (pixel edges on integers); transparent outside. */
function sample(out, o, art, u, v) {
  const { width, height, data } = art;
  const fx = u - 0.5;
  const fy = v - 0.5;
  if (fx <= -1 || fy <= -1 || fx >= width || fy >= height) return;
  const xa = floor(fx);
  const ya = floor(fy);
  const tx = fx - xa;
  const ty = fy - ya;
  const xb = xa + 1;
  const yb = ya + 1;
  // Colour from the nearest pixels that exist; alpha fades to 0 outside (a soft one-pixel edge).
  const cxa = xa < 0 ? 0 : xa;
  const cxb = xb > width - 1 ? width - 1 : xb;
  const cya = ya < 0 ? 0 : ya;
  const cyb = yb > height - 1 ? height - 1 : yb;
  const i00 = (cya * width + cxa) * 4;
  const i10 = (cya * width + cxb) * 4;
  const i01 = (cyb * width + cxa) * 4;
  const i11 = (cyb * width + cxb) * 4;
  const w00 = (1 - tx) * (1 - ty);
  const w10 = tx * (1 - ty);
  const w01 = (1 - tx) * ty;
  const w11 = tx * ty;
  out[o] = data[i00] * w00 + data[i10] * w10 + data[i01] * w01 + data[i11] * w11;
  out[o + 1] = data[i00 + 1] * w00 + data[i10 + 1] * w10 + data[i01 + 1] * w01 + data[i11 + 1] * w11;
  out[o + 2] = data[i00 + 2] * w00 + data[i10 + 2] * w10 + data[i01 + 2] * w01 + data[i11 + 2] * w11;
  const left = xa >= 0;
  const right = xb < width;
  const top = ya >= 0;
  const bottom = yb < height;
  out[o + 3] =
    (left && top ? data[i00 + 3] * w00 : 0) +
    (right && top ? data[i10 + 3] * w10 : 0) +
    (left && bottom ? data[i01 + 3] * w01 : 0) +
    (right && bottom ? data[i11 + 3] * w11 : 0);
}
