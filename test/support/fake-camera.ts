import { mkdtempSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';

/**
 * A camera for the npm Chromium that films a QR code: Chromium's fake capture device reads a
 * Y4M file (`--use-file-for-fake-video-capture`) each time a page opens the camera, so a test
 * shows the camera another label by rewriting the file between two scans (atomically, so a
 * camera opening meanwhile reads one whole picture).
 */
const WIDTH = 640;
const HEIGHT = 480;
const SCALE = 7;
const QUIET_ZONE = 4;

export const fakeCamera = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'traceseal-camera-')), 'camera.y4m');
  return {
    /** The Chromium start flags that turn the file into the camera, permission granted. */
    args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`],
    /** Points the camera at a QR code of `text`. */
    async show(text: string): Promise<void> {
      const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
      const luma = Buffer.alloc(WIDTH * HEIGHT, 255);
      const side = (modules.size + 2 * QUIET_ZONE) * SCALE;
      const left = Math.floor((WIDTH - side) / 2) + QUIET_ZONE * SCALE;
      const top = Math.floor((HEIGHT - side) / 2) + QUIET_ZONE * SCALE;
      for (let row = 0; row < modules.size; row++) {
        for (let column = 0; column < modules.size; column++) {
          if (!modules.get(row, column)) continue;
          for (let y = 0; y < SCALE; y++)
            luma.fill(
              0,
              (top + row * SCALE + y) * WIDTH + left + column * SCALE,
              (top + row * SCALE + y) * WIDTH + left + (column + 1) * SCALE,
            );
        }
      }
      const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
      const y4m = Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]);
      const next = `${file}.next`;
      await writeFile(next, y4m);
      await rename(next, file);
    },
  };
};
