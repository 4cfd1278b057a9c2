import { useState } from 'react';
import type { ScannedCode } from '#kernel/codes/digital-link';
import { fetchVerdict, type ServerVerdict } from '../api';
import { currentKeys, refreshKeys } from '../code/keys';
import { checkSignature, readScannedCode, type SignatureCheck } from '../code/signature-check';
import { useI18n } from '../i18n';
import { addScan } from '../store/device-db';
import { CameraView } from './camera-view';
import { ScreenTitle } from './screen-title';
import { VerdictCard } from './verdict-card';

interface Result {
  text: string;
  code: ScannedCode | undefined;
  signature: SignatureCheck;
  server: ServerVerdict | undefined;
}

/** Checks a scanned text: the signature on the phone, the server's verdict when it answers. */
const check = async (text: string): Promise<Result> => {
  const code = readScannedCode(text);
  if (code === undefined) return { text, code, signature: 'unreadable', server: undefined };
  // The keys are in memory after the app's start; the verdict is asked last, so what the app
  // says about the connection is what that request met.
  const firstCheck = await checkSignature(code, await currentKeys());
  const server = await fetchVerdict(code);
  // A key published since the phone last looked: fetch the keys once more (no-op offline).
  const signature = firstCheck === 'unknownKey' ? await checkSignature(code, await refreshKeys()) : firstCheck;
  return { text, code, signature, server };
};

export const ScanScreen = ({ onReport }: { onReport(code: string): void }) => {
  const { t } = useI18n();
  const [phase, setPhase] = useState<'idle' | 'scanning' | 'checking'>('idle');
  const [result, setResult] = useState<Result | undefined>();
  const [cameraError, setCameraError] = useState<string | undefined>();

  const scanned = async (text: string) => {
    setPhase('checking');
    const outcome = await check(text);
    await addScan({
      uri: outcome.text,
      scannedAt: new Date().toISOString(),
      signature: outcome.signature,
      ...(outcome.server === undefined ? {} : { server: outcome.server }),
    });
    setResult(outcome);
    setPhase('idle');
  };

  const start = () => {
    setResult(undefined);
    setCameraError(undefined);
    setPhase('scanning');
  };

  return (
    <>
      <ScreenTitle>{t('scan.title')}</ScreenTitle>
      {result === undefined && phase === 'idle' && <p>{t('scan.intro')}</p>}
      {phase === 'scanning' && (
        <>
          <p id="aiming">{t('scan.aiming')}</p>
          <CameraView
            onCode={(text) => void scanned(text)}
            onError={(reason) => {
              setCameraError(reason);
              setPhase('idle');
            }}
          />
          <button type="button" className="secondary" onClick={() => setPhase('idle')}>
            {t('scan.stop')}
          </button>
        </>
      )}
      {phase === 'checking' && <p role="status">{t('scan.checking')}</p>}
      {cameraError !== undefined && <p role="alert">{t('scan.cameraFailed', { reason: cameraError })}</p>}
      {result !== undefined && <VerdictCard code={result.code} signature={result.signature} server={result.server} />}
      {phase === 'idle' && (
        <div className="actions">
          <button type="button" className="primary" onClick={start}>
            {result === undefined ? t('scan.start') : t('scan.again')}
          </button>
          {result !== undefined && (
            <button type="button" className="secondary" onClick={() => onReport(result.text)}>
              {t('scan.reportThis')}
            </button>
          )}
        </div>
      )}
    </>
  );
};
