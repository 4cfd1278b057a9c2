import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Page } from '../../components/page';

/** What a person who does not manage the organization's people sees at these screens' addresses. */
export const MembersRefusal = () => {
  const { t } = useTranslation();
  return (
    <Page title={t('members.refusal.title')}>
      <Result status="403" title={t('members.refusal.onlyAdmins')} subTitle={t('members.refusal.askAdmin')} />
    </Page>
  );
};
