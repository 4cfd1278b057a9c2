/**
 * The camera's QR reader: the browser's own BarcodeDetector where it reads QR codes (Android,
 * macOS), else the `barcode-detector` polyfill, ZXing-C++ compiled to WebAssembly, with its
 * .wasm served by us from /scan/assets (never a CDN: the CSP allows only our origin, and the
 * service worker precaches it for use without signal). The polyfill loads only when needed.
 */
export interface QrReader {
  read(source: HTMLVideoElement): Promise<string | undefined>;
}

interface DetectedBarcode {
  rawValue: string;
}
interface Detector {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
}

const nativeDetector = async (): Promise<Detector | undefined> => {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (native === undefined) return undefined;
  try {
    return (await native.getSupportedFormats()).includes('qr_code') ? new native({ formats: ['qr_code'] }) : undefined;
  } catch {
    return undefined;
  }
};

const polyfillDetector = async (): Promise<Detector> => {
  const [{ BarcodeDetector, prepareZXingModule }, { default: wasmUrl }] = await Promise.all([
    import('barcode-detector/ponyfill'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
  });
  return new BarcodeDetector({ formats: ['qr_code'] });
};

export const createQrReader = async (): Promise<QrReader> => {
  const detector = (await nativeDetector()) ?? (await polyfillDetector());
  return {
    async read(source) {
      const [first] = await detector.detect(source);
      return first?.rawValue;
    },
  };
};
