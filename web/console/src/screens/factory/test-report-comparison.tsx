import { CheckCircleOutlined, ClockCircleOutlined, CloseCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { List, Space, Table, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { clauseOf } from '#shared/test-reports/domain/test-report-clauses';
import type { components } from '../../../../shared/openapi-types.generated';

export type AttachedReport = components['schemas']['AttachedReport'];
type ClauseResult = components['schemas']['ClauseResult'];
type Difference = AttachedReport['differences'][number];
type Outcome = 'same' | 'altered' | 'missing' | 'added' | 'notRegistered';

interface ClauseRow {
  clause: string;
  ours?: ClauseResult;
  registered?: ClauseResult;
  outcome: Outcome;
}

const CLAUSE_KINDS = new Set(['clause_altered', 'clause_missing', 'clause_added']);
/** Differences that mean there is no lab registration to compare the clauses with. */
const NO_REGISTRATION = new Set(['lab_unknown', 'missing_at_lab', 'signature_invalid']);

/** The attached copy's clauses beside the lab's, from the comparison's named differences. */
export const clauseRows = (report: AttachedReport): ClauseRow[] => {
  const unregistered = report.differences.some((difference) => NO_REGISTRATION.has(difference.kind));
  const byClause = new Map(report.differences.filter((d) => CLAUSE_KINDS.has(d.kind)).map((d) => [String(d.clause), d] as const));
  const rows: ClauseRow[] = report.clauses.map((ours) => {
    const difference = byClause.get(ours.clause);
    if (unregistered) return { clause: ours.clause, ours, outcome: 'notRegistered' };
    if (difference?.kind === 'clause_altered') {
      return { clause: ours.clause, ours, registered: difference.registered as ClauseResult, outcome: 'altered' };
    }
    if (difference?.kind === 'clause_added') return { clause: ours.clause, ours, outcome: 'added' };
    return { clause: ours.clause, ours, registered: ours, outcome: 'same' };
  });
  for (const difference of report.differences) {
    if (difference.kind === 'clause_missing') {
      rows.push({ clause: String(difference.clause), registered: difference.registered as ClauseResult, outcome: 'missing' });
    }
  }
  return rows;
};

const OUTCOME_ICONS: Record<Outcome, React.ReactNode> = {
  same: <CheckCircleOutlined aria-hidden style={{ color: '#237804' }} />,
  altered: <CloseCircleOutlined aria-hidden style={{ color: '#a8071a' }} />,
  missing: <CloseCircleOutlined aria-hidden style={{ color: '#a8071a' }} />,
  added: <CloseCircleOutlined aria-hidden style={{ color: '#a8071a' }} />,
  notRegistered: <ClockCircleOutlined aria-hidden />,
};

const resultText = (result: ClauseResult | undefined, t: TFunction): string =>
  result === undefined
    ? '—'
    : [
        t(`factory.report.${result.result}`),
        result.value === undefined ? undefined : `${result.value} ${result.unit ?? ''}`.trim(),
      ]
        .filter((part) => part !== undefined)
        .join(' · ');

/** One difference that is not a clause's, in words (ids never shown: the lab and factory are named elsewhere). */
const differenceText = (difference: Difference, t: TFunction): string => {
  const key = `factory.report.differences.${difference.kind}`;
  return t(key, { ...difference, defaultValue: t('factory.report.differences.other', { kind: difference.kind }) });
};

export const VerdictTag = ({ verdict }: { verdict: AttachedReport['verdict'] }) => {
  const { t } = useTranslation();
  const icon =
    verdict === 'verified' ? (
      <CheckCircleOutlined />
    ) : verdict === 'unverified' ? (
      <ClockCircleOutlined />
    ) : (
      <CloseCircleOutlined />
    );
  // antd's preset tag colours are too pale for WCAG AA contrast: darker text on the same tints.
  const style =
    verdict === 'verified'
      ? { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' }
      : verdict === 'mismatched'
        ? { color: '#820014', background: '#fff1f0', borderColor: '#ffa39e' }
        : {};
  return (
    <Tag icon={icon} style={style}>
      {t(`factory.report.verdicts.${verdict}`)}
    </Tag>
  );
};

/**
 * Clause by clause against the lab's signed registration. A mismatch is said three ways:
 * an icon, the word, and the row's highlight, so colour is never the only signal.
 */
export const TestReportComparison = ({ report }: { report: AttachedReport }) => {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const others = report.differences.filter((difference) => !CLAUSE_KINDS.has(difference.kind));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>
        {t('factory.report.comparison')}
      </Typography.Title>
      <Table<ClauseRow>
        rowKey="clause"
        size="small"
        pagination={false}
        dataSource={clauseRows(report)}
        onRow={(row) => (row.outcome === 'same' || row.outcome === 'notRegistered' ? {} : { style: { background: '#fff1f0' } })}
        columns={[
          {
            title: t('factory.report.clause'),
            dataIndex: 'clause',
            render: (clause: string) => clauseOf(report.standard, clause)?.title[language] ?? clause,
          },
          { title: t('factory.report.ours'), key: 'ours', render: (_, row) => resultText(row.ours, t) },
          { title: t('factory.report.registered'), key: 'registered', render: (_, row) => resultText(row.registered, t) },
          {
            title: t('factory.report.outcome'),
            key: 'outcome',
            render: (_, row) => (
              <Space>
                {OUTCOME_ICONS[row.outcome]}
                <Typography.Text strong={row.outcome !== 'same' && row.outcome !== 'notRegistered'}>
                  {t(`factory.report.${row.outcome}`)}
                </Typography.Text>
              </Space>
            ),
          },
        ]}
      />
      {others.length > 0 && (
        <List
          size="small"
          bordered
          header={<Typography.Text strong>{t('factory.report.otherDifferences')}</Typography.Text>}
          dataSource={others}
          renderItem={(difference) => (
            <List.Item>
              <Space>
                <ExclamationCircleOutlined aria-hidden />
                {differenceText(difference, t)}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Space>
  );
};
