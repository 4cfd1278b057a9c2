import { mkdtempSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';

/**
 * A camera for the npm Chromium: a Y4M video (raw YUV 4:2:0 frames behind a one-line
 * header) of a QR code, which Chromium plays as its fake capture device with
 * `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>`. The QR is
 * drawn from the `qrcode` package's module matrix, black on white with its quiet zone, as a
 * label under a phone's camera would be. Chromium reads the file each time a page opens the
 * camera, so a test shows another label by rewriting it between two scans (atomically, so a
 * camera opening meanwhile reads one whole video).
 */
const WIDTH = 640;
const HEIGHT = 480;
const FRAMES = 10;
const QUIET_ZONE = 4;
const BLACK = 16;
const WHITE = 235;

/** The Y (luma) plane of one frame: the QR centred, as large as fits with room around it. */
const lumaOf = (text: string): Buffer => {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const side = modules.size + 2 * QUIET_ZONE;
  const scale = Math.floor((Math.min(WIDTH, HEIGHT) - 40) / side);
  const left = Math.floor((WIDTH - side * scale) / 2);
  const top = Math.floor((HEIGHT - side * scale) / 2);
  const luma = Buffer.alloc(WIDTH * HEIGHT, WHITE);
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (!modules.get(row, column)) continue;
      const x0 = left + (column + QUIET_ZONE) * scale;
      const y0 = top + (row + QUIET_ZONE) * scale;
      for (let y = y0; y < y0 + scale; y++) luma.fill(BLACK, y * WIDTH + x0, y * WIDTH + x0 + scale);
    }
  }
  return luma;
};

/** Writes the video to `file`: a few identical frames, which Chromium loops. */
export const writeQrVideo = async (file: string, text: string): Promise<string> => {
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), lumaOf(text), chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const next = `${file}.next`;
  await writeFile(next, Buffer.concat([header, ...Array.from({ length: FRAMES }, () => frame)]));
  await rename(next, file);
  return file;
};

/** The flags that make Chromium's camera play `file`, granted without asking. */
export const fakeCameraArgs = (file: string): string[] => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-video-capture=${file}`,
];

/** A camera of its own file: its start flags, and `show` to point it at a label. */
export const fakeCamera = () => {
  const file = join(mkdtempSync(join(tmpdir(), 'traceseal-camera-')), 'camera.y4m');
  return {
    args: fakeCameraArgs(file),
    show: async (text: string): Promise<void> => {
      await writeQrVideo(file, text);
    },
  };
};
