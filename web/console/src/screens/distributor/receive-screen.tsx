import { CameraOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Input, List, Space, Tag, Typography } from 'antd';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { Page } from '../../components/page';
import { ErrorNotice } from '../../layout/error-notice';
import { createBeeper } from './beep';
import { type EventResult, eventTimeNow, readInventory, recordEvents } from './custody-calls';
import { itemTitle } from './item-names';
import { refusalInWords } from './refusal-words';
import { keyOfEpc, type ScannedCode, scannedCode } from './scanned-codes';
import { TAG_COLOURS } from './tag-colours';
import { useCameraScanner } from './use-camera-scanner';

/**
 * Receiving by scanning: the camera reads label after label, each new one beeps and joins
 * the list (a label read again is ignored), then one click records a receiving event per
 * code, so each unit or case is accepted or refused on its own, with the reason in words.
 */
export const ReceiveScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [codes, setCodes] = useState<ScannedCode[]>([]);
  const [typed, setTyped] = useState('');
  const [notOurs, setNotOurs] = useState(false);
  // The keys read so far: a label seen again, by the camera or typed, is ignored.
  const seen = useRef(new Set<string>());
  const beeper = useRef<ReturnType<typeof createBeeper> | undefined>(undefined);
  const incoming = useQuery({ queryKey: ['inventory', 'incoming'], queryFn: () => readInventory(api, 'incoming') });
  // What is held too: a label received a moment ago (or before) keeps its name in the list.
  const held = useQuery({ queryKey: ['inventory', 'held'], queryFn: () => readInventory(api, 'held') });
  const byKey = useMemo(
    () =>
      new Map([...(held.data ?? []), ...(incoming.data ?? [])].map((item) => [keyOfEpc(item.epc) ?? item.epc, item] as const)),
    [held.data, incoming.data],
  );

  const add = useCallback((text: string): boolean => {
    const code = scannedCode(text);
    if (code === undefined) {
      setNotOurs(true);
      return false;
    }
    setNotOurs(false);
    if (seen.current.has(code.key)) return true;
    seen.current.add(code.key);
    beeper.current?.beep();
    setCodes((known) => [...known, code]);
    return true;
  }, []);
  const camera = useCameraScanner(add);

  const receive = useMutation({
    mutationFn: (list: ScannedCode[]) =>
      recordEvents(
        api,
        list.map((code) => ({ bizStep: 'receiving', ...eventTimeNow(), epcs: [code.text] })),
      ).then((results) => ({ list, results })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['inventory'] }),
  });
  const outcomes = new Map<string, EventResult | undefined>(
    receive.data?.list.map((code, index) => [code.key, receive.data?.results.find((result) => result.index === index)]) ?? [],
  );
  const accepted = [...outcomes.values()].filter((result) => result !== undefined && result.status !== 'rejected').length;

  const startCamera = () => {
    beeper.current ??= createBeeper();
    void camera.start();
  };

  return (
    <Page title={t('distributor.receive.title')}>
      <Typography.Paragraph>{t('distributor.receive.intro')}</Typography.Paragraph>
      <Card>
        <Flex vertical gap="small">
          <video
            ref={camera.video}
            style={{ width: '100%', maxHeight: 300, background: '#1f2329', borderRadius: 6, objectFit: 'contain' }}
            muted
            playsInline
            aria-label={t('distributor.receive.camera')}
          />
          <Space wrap>
            {camera.state === 'on' ? (
              <Button icon={<StopOutlined />} onClick={camera.stop}>
                {t('distributor.receive.stopCamera')}
              </Button>
            ) : (
              <Button type="primary" icon={<CameraOutlined />} loading={camera.state === 'starting'} onClick={startCamera}>
                {t('distributor.receive.startCamera')}
              </Button>
            )}
            <Typography.Text className="scan-count" aria-live="polite">
              {t('distributor.receive.count')}{' '}
              <strong data-testid="scan-count" style={{ fontSize: 20 }}>
                {codes.length}
              </strong>
            </Typography.Text>
          </Space>
          {camera.state === 'failed' && (
            <Alert type="warning" showIcon title={t('distributor.receive.cameraFailed')} description={String(camera.failure)} />
          )}
          <Space.Compact style={{ width: '100%' }}>
            <Input
              aria-label={t('distributor.receive.typeCode')}
              placeholder={t('distributor.receive.typeCode')}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              onPressEnter={() => add(typed) && setTyped('')}
            />
            <Button onClick={() => add(typed) && setTyped('')}>{t('distributor.receive.add')}</Button>
          </Space.Compact>
          {notOurs && <Alert type="warning" showIcon title={t('distributor.receive.notOurs')} />}
        </Flex>
      </Card>
      <Card title={t('distributor.receive.listTitle', { count: codes.length })}>
        <List
          dataSource={codes}
          locale={{ emptyText: t('distributor.receive.empty') }}
          renderItem={(code) => {
            const item = byKey.get(code.key);
            const result = outcomes.get(code.key);
            return (
              <List.Item>
                <Flex vertical gap={4} style={{ width: '100%' }}>
                  <Typography.Text strong>
                    {item === undefined ? t('distributor.receive.notExpected') : itemTitle(item, t, i18n.language)}
                  </Typography.Text>
                  {item?.from !== undefined && (
                    <Typography.Text>{t('distributor.from', { name: item.from.name })}</Typography.Text>
                  )}
                  {result !== undefined &&
                    (result.status === 'rejected' ? (
                      <Typography.Text>
                        <Tag color={TAG_COLOURS.bad}>{t('distributor.receive.refused')}</Tag>
                        {refusalInWords(result.error, t)}
                      </Typography.Text>
                    ) : (
                      <span>
                        <Tag color={TAG_COLOURS.good}>{t('distributor.receive.accepted')}</Tag>
                      </span>
                    ))}
                </Flex>
              </List.Item>
            );
          }}
        />
        <Space wrap style={{ marginTop: 12 }}>
          <Button
            type="primary"
            disabled={codes.length === 0 || receive.data !== undefined}
            loading={receive.isPending}
            onClick={() => receive.mutate(codes)}
          >
            {t('distributor.receive.submit', { count: codes.length })}
          </Button>
          <Button
            disabled={codes.length === 0}
            onClick={() => {
              seen.current.clear();
              setCodes([]);
              receive.reset();
            }}
          >
            {t('distributor.receive.clear')}
          </Button>
        </Space>
        {receive.error !== null && <ErrorNotice error={receive.error} />}
        {receive.data !== undefined && (
          <Alert
            style={{ marginTop: 12 }}
            type={accepted === receive.data.list.length ? 'success' : 'warning'}
            showIcon
            role="status"
            title={t('distributor.receive.done', { accepted, total: receive.data.list.length })}
          />
        )}
      </Card>
    </Page>
  );
};
