import type { ScannedCode } from '#kernel/codes/digital-link';
import type { ServerVerdict } from '../api';
import type { SignatureCheck } from '../code/signature-check';
import { SIGNATURE_LINES, verdictOf } from '../code/verdict';
import { formatDate, formatDateTime, nameIn } from '../format';
import { useI18n } from '../i18n';

/** The verdict in words first (its colour and icon only repeat them), then what the label names. */
const ICONS = { ok: '✓', bad: '✕', unknown: '?', offline: '✓' } as const;

export const VerdictCard = ({
  code,
  signature,
  server,
}: {
  code: ScannedCode | undefined;
  signature: SignatureCheck;
  server: ServerVerdict | undefined;
}) => {
  const { t, language } = useI18n();
  const verdict = verdictOf(signature, server);
  const facts: [string, string][] = [];
  if (server?.product !== undefined) facts.push([t('verdict.product'), nameIn(server.product, language)]);
  if (server?.factory !== undefined) facts.push([t('verdict.factory'), nameIn(server.factory, language)]);
  if (code?.kind === 'unit') {
    facts.push([t('verdict.lot'), code.lot], [t('verdict.serial'), code.serial]);
  }
  if (server?.endOfServiceLife !== undefined)
    facts.push([t('verdict.endOfServiceLife'), formatDate(server.endOfServiceLife, language)]);
  if (server?.recallReason !== undefined) facts.push([t('verdict.recallReason'), server.recallReason]);
  return (
    <section
      className={`verdict tone-${verdict.tone}`}
      data-tone={verdict.tone}
      aria-live="polite"
      aria-labelledby="verdict-headline"
    >
      <h2 id="verdict-headline">
        <span className="verdict-icon" aria-hidden="true">
          {ICONS[verdict.tone]}
        </span>
        {t(verdict.headline)}
      </h2>
      {verdict.detail !== undefined && <p>{t(verdict.detail)}</p>}
      {verdict.lastKnown !== undefined && (
        <p>
          {t('verdict.lastKnown', {
            date: formatDateTime(verdict.lastKnown.checkedAt, language),
            status: t(`status.${verdict.lastKnown.status}`),
          })}
        </p>
      )}
      <ul className="checks">
        {signature !== 'unreadable' && <li>{t(SIGNATURE_LINES[signature])}</li>}
        {server !== undefined && server.storedAt === undefined && (
          <li>{t('verdict.serverChecked', { date: formatDateTime(server.checkedAt, language) })}</li>
        )}
      </ul>
      {facts.length > 0 && (
        <dl className="facts">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
};
