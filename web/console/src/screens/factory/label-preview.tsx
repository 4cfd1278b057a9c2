import { Alert, Image, Spin } from 'antd';
import { GlobalWorkerOptions, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?worker&url';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

GlobalWorkerOptions.workerSrc = workerUrl;
/** The two CMaps a label sheet's Chinese lines need (STSong-Light, UniGB-UCS2-H), copied beside the console's assets. */
const CMAP_URL = `${import.meta.env.BASE_URL}assets/cmaps/`;

/**
 * The first sheet of a lot's PDF, drawn in the page by pdf.js and shown as an image from a
 * blob: URL. pdf.js reads the file from its download link with Range requests, so a lot of a
 * million labels (half a gigabyte) costs only the bytes of its first page.
 */
export const LabelPreview = ({ url }: { url: string }) => {
  const { t } = useTranslation();
  const [image, setImage] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    let objectUrl: string | undefined;
    const task = getDocument({ url, isEvalSupported: false, disableAutoFetch: true, cMapUrl: CMAP_URL, cMapPacked: true });
    void (async () => {
      try {
        const document = await task.promise;
        const page = await document.getPage(1);
        const viewport = page.getViewport({ scale: 1.5 });
        const canvas = window.document.createElement('canvas');
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        const context = canvas.getContext('2d');
        if (context === null) throw new Error('canvas');
        // A PDF page is paper: drawn on white, not on the transparent canvas.
        await page.render({ canvasContext: context, viewport, background: '#ffffff' }).promise;
        const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
        if (blob === null || cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setImage(objectUrl);
      } catch (error) {
        if (!cancelled) setFailed(error instanceof Error ? error.message : String(error));
      }
    })();
    return () => {
      cancelled = true;
      void task.destroy();
      if (objectUrl !== undefined) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  if (failed !== undefined) return <Alert type="warning" showIcon title={t('factory.lot.previewFailed', { reason: failed })} />;
  if (image === undefined) return <Spin description={t('factory.lot.previewLoading')} />;
  return (
    <Image
      src={image}
      alt={t('factory.lot.previewAlt')}
      width={420}
      style={{ border: '1px solid #d9d9d9' }}
      preview={{ mask: t('factory.lot.previewZoom') }}
    />
  );
};
