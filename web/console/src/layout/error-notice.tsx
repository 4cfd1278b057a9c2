import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';

/** A refusal as the API stated it: its stable code and its message, never a stack. */
export const ErrorNotice = ({ error }: { error: unknown }) => {
  const { t } = useTranslation();
  const code = isApiError(error) ? error.code : 'NETWORK';
  const message = isApiError(error) ? error.message : error instanceof Error ? error.message : String(error);
  return <Alert type="error" showIcon role="alert" title={t('error.generic', { code, message })} />;
};
