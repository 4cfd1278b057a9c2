import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

/**
 * Draws the workers' app's icons (web/scan/public/icon-*.png): a white check mark on the
 * app's blue, as a rounded square ("any") and full-bleed with the mark inside the safe zone
 * ("maskable"). Committed; run again (`npx tsx scripts/scan-app-icons.ts`) only to change them.
 */
const BLUE = [0x0b, 0x5c, 0xad] as const;
const OUT = fileURLToPath(new URL('../web/scan/public/', import.meta.url));

const distanceToSegment = (px: number, py: number, [ax, ay, bx, by]: readonly [number, number, number, number]): number => {
  const dx = bx - ax;
  const dy = by - ay;
  const along = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + along * dx), py - (ay + along * dy));
};

/** In units of the icon's side: the mark's two strokes, and how far it is drawn inside. */
const CHECK = [
  [0.28, 0.52, 0.44, 0.68],
  [0.44, 0.68, 0.74, 0.34],
] as const;

const icon = (size: number, { maskable }: { maskable: boolean }): Buffer => {
  const png = new PNG({ width: size, height: size });
  const radius = maskable ? 0 : size * 0.18;
  const scale = maskable ? 0.7 : 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const cx = Math.max(radius - x, 0, x - (size - 1 - radius));
      const cy = Math.max(radius - y, 0, y - (size - 1 - radius));
      const inside = radius === 0 || Math.hypot(cx, cy) <= radius;
      // The mark, shrunk around the centre for the maskable icon's safe zone.
      const u = (x / size - 0.5) / scale + 0.5;
      const v = (y / size - 0.5) / scale + 0.5;
      const onMark = CHECK.some((segment) => distanceToSegment(u, v, segment) < 0.06);
      png.data[i] = onMark ? 255 : BLUE[0];
      png.data[i + 1] = onMark ? 255 : BLUE[1];
      png.data[i + 2] = onMark ? 255 : BLUE[2];
      png.data[i + 3] = inside ? 255 : 0;
    }
  }
  return PNG.sync.write(png);
};

await writeFile(`${OUT}icon-192.png`, icon(192, { maskable: false }));
await writeFile(`${OUT}icon-512.png`, icon(512, { maskable: false }));
await writeFile(`${OUT}icon-maskable-512.png`, icon(512, { maskable: true }));
