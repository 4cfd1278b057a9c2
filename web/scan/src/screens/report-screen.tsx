import { type FormEvent, useEffect, useId, useState } from 'react';
import { readScannedCode } from '../code/signature-check';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { listReports, type QueuedReport, type ReportBody } from '../store/device-db';
import { onReportsChanged, queueReport } from '../store/report-queue';
import { ScreenTitle } from './screen-title';

/**
 * The counterfeit report form (the fields POST /v1/reports reads, as the verify page's form),
 * and this phone's reports with where each one is: waiting for signal, received (with the
 * service's reference) or refused (with its reason).
 */
const Field = ({
  name,
  label,
  required,
  multiline,
}: {
  name: keyof ReportBody;
  label: string;
  required?: boolean;
  multiline?: boolean;
}) => {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} name={name} required={required} rows={4} maxLength={4000} />
      ) : (
        <input id={id} name={name} required={required} maxLength={name === 'code' ? 1024 : 200} />
      )}
    </div>
  );
};

const optional = (value: FormDataEntryValue | null): string | undefined => {
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' ? undefined : text;
};

/** The label a report is about, in words: its lot and serial as printed, not its URI. */
const LabelSummary = ({ code }: { code: string }) => {
  const { t } = useI18n();
  const label = readScannedCode(code);
  const words =
    label?.kind === 'unit'
      ? t('history.unitOf', { lot: label.lot, serial: label.serial })
      : label?.kind === 'container'
        ? t('history.container', { sscc: label.sscc })
        : t('verdict.unreadable');
  return (
    <p className="label-summary">
      <strong>{t('report.about')}</strong> {words}
      <input type="hidden" name="code" value={code} />
    </p>
  );
};

export const ReportScreen = ({ code }: { code: string | undefined }) => {
  const { t, language } = useI18n();
  const [reports, setReports] = useState<QueuedReport[]>([]);
  const [notice, setNotice] = useState<string | undefined>();
  const [writing, setWriting] = useState(true);

  useEffect(() => {
    const load = () => void listReports().then(setReports);
    load();
    return onReportsChanged(load);
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const body: ReportBody = {
      place: optional(data.get('place')) ?? '',
      city: optional(data.get('city')) ?? '',
      description: optional(data.get('description')) ?? '',
    };
    const scanned = optional(data.get('code'));
    const contact = optional(data.get('contact'));
    if (scanned !== undefined) body.code = scanned;
    if (contact !== undefined) body.contact = contact;
    await queueReport(body);
    const [latest] = await listReports();
    setNotice(latest?.state === 'queued' ? t('report.savedOffline') : t('report.submitted'));
    // The form gives way to where the report is: the notice and the list, at the top.
    setWriting(false);
    window.scrollTo({ top: 0 });
  };

  return (
    <>
      <ScreenTitle>{t('report.title')}</ScreenTitle>
      {writing ? (
        <>
          <p>{t('report.intro')}</p>
          <form className="report-form" onSubmit={(event) => void submit(event)}>
            {code === undefined ? <Field name="code" label={t('report.code')} /> : <LabelSummary code={code} />}
            <Field name="place" label={t('report.place')} required />
            <Field name="city" label={t('report.city')} required />
            <Field name="description" label={t('report.description')} required multiline />
            <Field name="contact" label={t('report.contact')} />
            <button type="submit" className="primary">
              {t('report.submit')}
            </button>
          </form>
        </>
      ) : (
        <>
          {notice !== undefined && <p role="status">{notice}</p>}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setWriting(true)}>
              {t('report.another')}
            </button>
          </div>
        </>
      )}
      <h2>{t('report.mine')}</h2>
      {reports.length === 0 ? (
        <p>{t('report.none')}</p>
      ) : (
        <ol className="records" aria-label={t('report.mine')}>
          {reports.map((report) => (
            <li key={report.id} className={`record state-${report.state}`} data-state={report.state}>
              <strong>
                {report.state === 'sent'
                  ? t('report.sent', { reference: report.reference ?? '' })
                  : report.state === 'refused'
                    ? t('report.refused', { code: report.refusal?.code ?? '', message: report.refusal?.message ?? '' })
                    : t('report.queued')}
              </strong>
              <span>
                {report.body.place} · {report.body.city}
              </span>
              <span className="muted">{t('report.createdAt', { date: formatDateTime(report.createdAt, language) })}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
};
