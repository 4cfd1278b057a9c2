import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { Page } from '../../components/page';
import { RecallEvents } from './recall-events';

/** The recalls of the regulator's area; a failed spot-check lot is recalled from its draw. */
export const RecallsScreen = () => {
  const { t } = useTranslation();
  return (
    <Page title={t('regulator.recalls.title')}>
      <Alert type="info" showIcon title={t('regulator.recalls.howTo')} />
      <RecallEvents />
    </Page>
  );
};
