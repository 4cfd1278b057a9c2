import { useEffect, useRef } from 'react';
import { createQrReader } from '../code/barcode-reader';
import { useI18n } from '../i18n';

/** How often a frame is read: often enough to feel instant, rarely enough to spare a phone's battery. */
const READ_EVERY_MS = 150;

/**
 * The live camera (the back one on a phone) read for a QR code; the first code read ends the
 * session and the camera is released at once (its light goes off), as it is when the view closes.
 */
export const CameraView = ({ onCode, onError }: { onCode(text: string): void; onError(reason: string): void }) => {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const handlers = useRef({ onCode, onError });
  handlers.current = { onCode, onError };

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    const stop = () => {
      stopped = true;
      if (timer !== undefined) window.clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    (async () => {
      const [media, reader] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
        createQrReader(),
      ]);
      stream = media;
      const element = video.current;
      if (stopped || element === null) return stop();
      element.srcObject = media;
      await element.play();
      const tick = async () => {
        if (stopped) return;
        const text = element.readyState >= 2 ? await reader.read(element).catch(() => undefined) : undefined;
        if (stopped) return;
        if (text !== undefined) {
          stop();
          handlers.current.onCode(text);
          return;
        }
        timer = window.setTimeout(() => void tick(), READ_EVERY_MS);
      };
      void tick();
    })().catch((error: unknown) => {
      stop();
      handlers.current.onError(error instanceof Error ? error.message : String(error));
    });
    return stop;
  }, []);

  return <video ref={video} className="camera" muted playsInline aria-label={t('scan.cameraLabel')} />;
};
