import jsqr from 'jsqr';

/** jsqr is CommonJS: its module object is the function its typings call `default`. */
const jsQR = jsqr as unknown as typeof jsqr.default;

/**
 * Decodes a QR code rendered by the `qrcode` package as SVG: rasterises its dark-module path
 * (`M x y` absolute moves, `m dx dy` relative moves, `h n` horizontal runs of dark modules) at
 * `scale` pixels per module, then reads it back with jsQR. An independent check of what the SVG shows.
 * @returns the decoded text, or undefined when jsQR finds no code.
 */
export function decodeQrSvg(svg: string, scale = 8): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) (\d+)"/.exec(svg)?.[1]);
  const d = /<path stroke="[^"]+" d="([^"]+)"/.exec(svg)?.[1];
  if (!Number.isInteger(size) || d === undefined) return undefined;
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of d.matchAll(/([MmHh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?/g)) {
    const n = Number(a);
    if (op === 'M') [x, y] = [n, Number(b)];
    else if (op === 'm') [x, y] = [x + n, y + Number(b)];
    else {
      const to = op === 'h' ? x + n : n;
      for (let cx = Math.min(x, to); cx < Math.max(x, to); cx++)
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
          const i = ((Math.floor(y) * scale + dy) * px + cx * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      x = to;
    }
  }
  return jsQR(rgba, px, px)?.data;
}
