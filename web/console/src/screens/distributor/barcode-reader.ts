/**
 * A QR decoder for camera frames: the browser's own BarcodeDetector where it has one (Chrome
 * on Android and macOS), else ZXing-C++ compiled to WebAssembly through the barcode-detector
 * ponyfill. Its .wasm file is one of the console's own hashed assets (Vite copies it to
 * /console/assets/), never the jsDelivr CDN the package defaults to: the CSP allows only our
 * origin, and a warehouse may be offline from the internet. This module is loaded only with
 * the receiving screen, so neither weighs on the console's first screen.
 */
import zxingReaderWasm from 'zxing-wasm/reader/zxing_reader.wasm?url';

export interface QrReader {
  /** The texts of the QR codes in this frame (none, one or several). */
  read(source: HTMLVideoElement): Promise<string[]>;
}

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}

type DetectorConstructor = new (options: { formats: string[] }) => Detector;

const nativeDetector = async (): Promise<Detector | undefined> => {
  const Native = (globalThis as { BarcodeDetector?: DetectorConstructor & { getSupportedFormats?: () => Promise<string[]> } })
    .BarcodeDetector;
  if (Native === undefined) return undefined;
  const formats = (await Native.getSupportedFormats?.().catch(() => [])) ?? [];
  return formats.includes('qr_code') ? new Native({ formats: ['qr_code'] }) : undefined;
};

const zxingDetector = async (): Promise<Detector> => {
  const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
  // Fetched and compiled now, so a missing file shows when the camera starts, not at the first frame.
  await prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? zxingReaderWasm : prefix + path) },
    fireImmediately: true,
  });
  return new BarcodeDetector({ formats: ['qr_code'] });
};

export const createQrReader = async (): Promise<QrReader & { engine: 'native' | 'zxing' }> => {
  const native = await nativeDetector();
  const detector = native ?? (await zxingDetector());
  return {
    engine: native === undefined ? 'zxing' : 'native',
    read: async (source) => (await detector.detect(source)).map((code) => code.rawValue),
  };
};
