import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** An empty table's line, in the body text colour: antd's placeholder grey is below WCAG AA contrast. */
export const NoData = ({ textKey = 'common.noData' }: { textKey?: string }) => {
  const { t } = useTranslation();
  return <Typography.Text>{t(textKey)}</Typography.Text>;
};
