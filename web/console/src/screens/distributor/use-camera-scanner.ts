import { useCallback, useEffect, useRef, useState } from 'react';
import type { QrReader } from './barcode-reader';

export type CameraState = 'off' | 'starting' | 'on' | 'failed';

/** How often a frame is decoded: often enough for a clerk moving down a pile, light on a phone. */
const FRAME_INTERVAL_MS = 150;

/** Decodes the frame on show, unless the previous one is still being decoded (a slow phone skips frames). */
const decodeFrame = async (
  reader: QrReader,
  element: HTMLVideoElement,
  busy: { current: boolean },
  onText: (text: string) => void,
): Promise<void> => {
  if (busy.current || element.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
  busy.current = true;
  try {
    for (const text of await reader.read(element)) onText(text);
  } catch {
    // A frame that cannot be decoded (the camera still focusing) is skipped; the next one is tried.
  } finally {
    busy.current = false;
  }
};

/**
 * The device camera (the rear one on a phone) shown in `video`, each frame decoded for QR
 * codes and every text read handed to `onText` (the caller drops repeats). The stream
 * stops when the screen closes or `stop` is called.
 */
export const useCameraScanner = (onText: (text: string) => void) => {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<CameraState>('off');
  const [failure, setFailure] = useState<unknown>(undefined);
  const stream = useRef<MediaStream | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);
  const handler = useRef(onText);
  handler.current = onText;

  const stop = useCallback(() => {
    window.clearInterval(timer.current);
    timer.current = undefined;
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = undefined;
    if (video.current !== null) video.current.srcObject = null;
    setState('off');
  }, []);

  const start = useCallback(async () => {
    setState('starting');
    setFailure(undefined);
    try {
      const { createQrReader } = await import('./barcode-reader');
      const [reader, media] = await Promise.all([
        createQrReader(),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
      ]);
      stream.current = media;
      const element = video.current;
      if (element === null) throw new Error('no video element');
      element.srcObject = media;
      await element.play();
      setState('on');
      const busy = { current: false };
      timer.current = window.setInterval(() => void decodeFrame(reader, element, busy, handler.current), FRAME_INTERVAL_MS);
    } catch (error) {
      stop();
      setFailure(error);
      setState('failed');
    }
  }, [stop]);

  useEffect(() => stop, [stop]);
  return { video, state, failure, start, stop };
};
