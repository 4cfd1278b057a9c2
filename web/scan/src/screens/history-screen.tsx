import { useEffect, useState } from 'react';
import { readScannedCode } from '../code/signature-check';
import { verdictOf } from '../code/verdict';
import { formatDateTime, nameIn } from '../format';
import { useI18n } from '../i18n';
import { clearScans, listScans, type ScanRecord } from '../store/device-db';
import { ScreenTitle } from './screen-title';

/** The units this person scanned, from this device's IndexedDB only, newest first; clearable. */
export const HistoryScreen = () => {
  const { t, language } = useI18n();
  const [scans, setScans] = useState<ScanRecord[] | undefined>();
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    void listScans().then(setScans);
  }, []);

  const clear = async () => {
    await clearScans();
    setConfirming(false);
    setScans(await listScans());
  };

  return (
    <>
      <ScreenTitle>{t('history.title')}</ScreenTitle>
      <p>{t('history.intro')}</p>
      {scans?.length === 0 && <p>{t('history.empty')}</p>}
      {scans !== undefined && scans.length > 0 && (
        <>
          <ol className="records" aria-label={t('history.title')}>
            {scans.map((scan) => {
              const code = readScannedCode(scan.uri);
              const verdict = verdictOf(scan.signature, scan.server);
              const name = scan.server?.product === undefined ? undefined : nameIn(scan.server.product, language);
              const identity =
                code?.kind === 'unit'
                  ? t('history.unitOf', { lot: code.lot, serial: code.serial })
                  : code?.kind === 'container'
                    ? t('history.container', { sscc: code.sscc })
                    : undefined;
              return (
                <li key={scan.id} className={`record tone-${verdict.tone}`} data-tone={verdict.tone}>
                  <strong>{t(verdict.headline)}</strong>
                  {name !== undefined && <span>{name}</span>}
                  {identity !== undefined && <span>{identity}</span>}
                  <span className="muted">{t('history.scannedAt', { date: formatDateTime(scan.scannedAt, language) })}</span>
                </li>
              );
            })}
          </ol>
          {confirming ? (
            <div className="actions">
              <p>{t('history.confirmClear', { count: scans.length })}</p>
              <button type="button" className="danger" onClick={() => void clear()}>
                {t('history.confirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('history.cancel')}
              </button>
            </div>
          ) : (
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setConfirming(true)}>
                {t('history.clear')}
              </button>
            </div>
          )}
        </>
      )}
    </>
  );
};
