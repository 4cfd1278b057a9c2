import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';
import { type INBOX_KINDS, type InboxStatus, NEXT_STATUSES, needsNote } from './inbox-labels';

type Kind = (typeof INBOX_KINDS)[number];

/**
 * Moves an entry on with a note. It sends the version it read, so a change someone else made
 * meanwhile is refused (INBOX_CONCURRENT_CHANGE) rather than silently overtaken.
 */
export const InboxStatusForm = ({
  kind,
  id,
  entry,
}: {
  kind: Kind;
  id: string;
  entry: { status: InboxStatus; version: number };
}) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const api = useApi();
  const queryClient = useQueryClient();
  const choices = NEXT_STATUSES[entry.status];
  const [to, setTo] = useState<InboxStatus | undefined>(choices[0]);
  const [note, setNote] = useState('');
  const target = to !== undefined && choices.includes(to) ? to : choices[0];
  const change = useMutation({
    mutationFn: () =>
      dataOf(
        api.POST('/v1/inbox/{kind}/{id}/status', {
          params: { path: { kind, id } },
          body: {
            status: target ?? 'investigating',
            expectedVersion: entry.version,
            ...(note.trim() === '' ? {} : { note: note.trim() }),
          },
        }),
      ),
    onSuccess: (detail) => {
      queryClient.setQueryData(['inbox-entry', kind, id], detail);
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      setNote('');
      void message.success(t('regulator.inbox.changed'));
    },
  });
  const noteRequired = target !== undefined && needsNote(entry.status, target);
  return (
    <Card title={t('regulator.inbox.changeStatus')}>
      <Form layout="vertical" onFinish={() => change.mutate()} style={{ maxWidth: 560 }}>
        <Form.Item label={t('regulator.inbox.newStatus')} htmlFor="inbox-new-status">
          <Select<InboxStatus>
            id="inbox-new-status"
            value={target}
            onChange={setTo}
            options={choices.map((value) => ({ value, label: t(`regulator.inbox.status.${value}`) }))}
          />
        </Form.Item>
        <Form.Item
          label={t('regulator.inbox.note')}
          htmlFor="inbox-note"
          required={noteRequired}
          extra={noteRequired ? t('regulator.inbox.noteRequired') : t('regulator.inbox.noteOptional')}
        >
          <Input.TextArea id="inbox-note" rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </Form.Item>
        {change.error !== null && <ErrorNotice error={change.error} />}
        <Button type="primary" htmlType="submit" loading={change.isPending} disabled={noteRequired && note.trim() === ''}>
          {t('regulator.inbox.apply')}
        </Button>
      </Form>
    </Card>
  );
};
