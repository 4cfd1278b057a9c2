import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Descriptions, Form, Input, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { usePerson } from '../../auth/auth-context';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { type DrawKind, DrawStatusTag } from './spot-check-labels';
import { SpotCheckTargets } from './spot-check-targets';
import type { DrawSecrets } from './spot-checks-screen';

const STEP: Record<string, number> = { committed: 0, fixed: 1, drawn: 2, abandoned: 0 };

/** One draw from commitment to reveal and results; the drawing regulator moves it on. */
export const SpotCheckDrawView = ({
  secrets,
  onSecret,
}: {
  secrets: DrawSecrets;
  onSecret: (id: string, secret: string) => void;
}) => {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const api = useApi();
  const person = usePerson();
  const queryClient = useQueryClient();
  const id = useParams().id ?? '';
  const draw = useQuery({
    queryKey: ['draw', id],
    queryFn: () => dataOf(api.GET('/v1/spot-checks/draws/{id}', { params: { path: { id } } })),
  });
  const [typed, setTyped] = useState<string | undefined>(undefined);
  const secret = typed ?? secrets.get(id) ?? '';
  const moved = (next: unknown) => {
    queryClient.setQueryData(['draw', id], next);
    void queryClient.invalidateQueries({ queryKey: ['draws'] });
    void queryClient.invalidateQueries({ queryKey: ['draw-population', id] });
  };
  const fix = useMutation({
    mutationFn: () => dataOf(api.POST('/v1/spot-checks/draws/{id}/fix', { params: { path: { id } } })),
    onSuccess: moved,
  });
  const reveal = useMutation({
    mutationFn: () =>
      dataOf(api.POST('/v1/spot-checks/draws/{id}/reveal', { params: { path: { id } }, body: { secret: secret.trim() } })),
    onSuccess: (next) => {
      onSecret(id, secret.trim());
      moved(next);
    },
  });
  const back = (
    <Link to="..">
      <Button>{t('common.back')}</Button>
    </Link>
  );
  const data = draw.data;
  if (data === undefined) {
    return (
      <Page title={t('regulator.spotChecks.drawTitle')} extra={back}>
        {draw.error !== null ? <ErrorNotice error={draw.error} /> : <Card loading />}
      </Page>
    );
  }
  const mine = data.regulatorOrgId === person.orgId;
  const kind = data.kind as DrawKind;
  return (
    <Page title={t('regulator.spotChecks.drawHeading', { kind: t(`regulator.spotChecks.kinds.${kind}`) })} extra={back}>
      <Card>
        <Steps
          current={data.status === 'drawn' && (data.results?.length ?? 0) > 0 ? 3 : (STEP[data.status] ?? 0)}
          status={data.status === 'abandoned' ? 'error' : 'process'}
          items={[
            { title: t('regulator.spotChecks.steps.commit') },
            { title: t('regulator.spotChecks.steps.fix') },
            { title: t('regulator.spotChecks.steps.reveal') },
            { title: t('regulator.spotChecks.steps.results') },
          ]}
        />
      </Card>
      <Card title={t('regulator.spotChecks.published')}>
        <Descriptions column={2} bordered size="small">
          <Descriptions.Item label={t('common.status')}>
            <DrawStatusTag status={data.status} />
          </Descriptions.Item>
          <Descriptions.Item label={t('regulator.spotChecks.scope')}>
            {formatRegion(data.scope.province, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('regulator.spotChecks.sampleSize')}>{data.sampleSize}</Descriptions.Item>
          <Descriptions.Item label={t('regulator.spotChecks.inspectorCount')}>{data.inspectorCount}</Descriptions.Item>
          <Descriptions.Item label={t('regulator.spotChecks.committedAt')}>
            {formatDateTime(data.committedAt, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('regulator.spotChecks.revealDeadline')}>
            {formatDateTime(data.revealDeadline, language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('regulator.spotChecks.commitment')} span={2}>
            <Typography.Text code>{data.commitment}</Typography.Text>
          </Descriptions.Item>
          {data.populationSize !== undefined && (
            <Descriptions.Item label={t('regulator.spotChecks.populationSize')}>{data.populationSize}</Descriptions.Item>
          )}
          {data.fixedAt !== undefined && (
            <Descriptions.Item label={t('regulator.spotChecks.fixedAt')}>
              {formatDateTime(data.fixedAt, language)}
            </Descriptions.Item>
          )}
          {data.serviceSaltCommitment !== undefined && (
            <Descriptions.Item label={t('regulator.spotChecks.saltCommitment')} span={2}>
              <Typography.Text code>{data.serviceSaltCommitment}</Typography.Text>
            </Descriptions.Item>
          )}
          {data.secret !== undefined && (
            <Descriptions.Item label={t('regulator.spotChecks.secret')} span={2}>
              <Typography.Text code>{data.secret}</Typography.Text>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {mine && data.status === 'committed' && (
        <Card title={t('regulator.spotChecks.steps.fix')}>
          <Typography.Paragraph>{t('regulator.spotChecks.fixHelp')}</Typography.Paragraph>
          {fix.error !== null && <ErrorNotice error={fix.error} />}
          <Button type="primary" loading={fix.isPending} onClick={() => fix.mutate()}>
            {t('regulator.spotChecks.fix')}
          </Button>
        </Card>
      )}
      {mine && data.status === 'fixed' && (
        <Card title={t('regulator.spotChecks.steps.reveal')}>
          <Form layout="vertical" onFinish={() => reveal.mutate()} style={{ maxWidth: 720 }}>
            <Form.Item
              label={t('regulator.spotChecks.secret')}
              htmlFor="draw-secret"
              extra={secrets.has(id) ? t('regulator.spotChecks.secretInMemory') : t('regulator.spotChecks.secretPaste')}
            >
              <Input id="draw-secret" value={secret} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
            </Form.Item>
            {reveal.error !== null && <ErrorNotice error={reveal.error} />}
            <Button type="primary" htmlType="submit" loading={reveal.isPending} disabled={secret.trim().length < 43}>
              {t('regulator.spotChecks.reveal')}
            </Button>
          </Form>
        </Card>
      )}
      {data.status === 'drawn' && <SpotCheckTargets draw={data} mine={mine} />}
    </Page>
  );
};
