import { Alert, Button, Col, Form, Input, Row, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Page } from '../../components/page';
import { codeLabel, readUnitCode } from '../../components/unit-code';
import { CustodyTimeline } from './custody-timeline';
import { LotScans, UnitAlerts, UnitReports, UnitTestReport } from './unit-signals';
import { useVerification, VerdictCard } from './verdict-card';

/**
 * A unit's (or a case's, a pallet's) whole story on one screen, for every role: the code comes
 * pasted, scanned into the field, or in the link (`/units?code=…`, what UnitLink makes). Each
 * part asks the API on its own, so a part the viewer may not see says so and the rest shows.
 */
export const UnitStoryScreen = () => {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchParams();
  const current = search.get('code') ?? '';
  const [typed, setTyped] = useState(current);
  const code = readUnitCode(current);
  return (
    <Page title={t('unit.title')}>
      <Form
        layout="inline"
        onFinish={() => {
          setSearch({ code: typed.trim() });
        }}
      >
        <Form.Item label={t('unit.codeLabel')} htmlFor="unit-code" style={{ flex: 1 }}>
          <Input
            id="unit-code"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            placeholder={t('unit.codePlaceholder')}
            allowClear
          />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('unit.show')}
        </Button>
      </Form>
      {current !== '' && code === undefined && <Alert type="error" showIcon role="alert" title={t('unit.notACode')} />}
      {current === '' && <Typography.Paragraph>{t('unit.intro')}</Typography.Paragraph>}
      {code !== undefined && <Story key={current} code={code} />}
    </Page>
  );
};

const Story = ({ code }: { code: NonNullable<ReturnType<typeof readUnitCode>> }) => {
  const { t } = useTranslation();
  const verification = useVerification(code);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Text>
        {code.kind === 'container' ? t('unit.container') : t('unit.unit')}:{' '}
        <Typography.Text code>{codeLabel(code)}</Typography.Text>
      </Typography.Text>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <VerdictCard verification={verification} />
            {code.kind === 'unit' && <UnitTestReport verification={verification.data?.unit} />}
          </Space>
        </Col>
        <Col xs={24} xl={12}>
          <CustodyTimeline code={code} />
        </Col>
        {code.kind === 'unit' && (
          <>
            <Col xs={24} xl={12}>
              <LotScans unit={code} />
            </Col>
            <Col xs={24} xl={12}>
              <UnitAlerts unit={code} />
            </Col>
          </>
        )}
        <Col span={24}>
          <UnitReports code={code} />
        </Col>
      </Row>
    </Space>
  );
};
