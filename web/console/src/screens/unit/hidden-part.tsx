import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';

/**
 * One part of a unit's story the API refused: a refusal of the viewer's role or organization
 * (403), or the chain's one answer for "none, or not yours" (404 CODE_NOT_FOUND), shows as
 * "not visible to you" and the rest of the story still shows; any other failure as itself.
 */
export const isHidden = (error: unknown): boolean =>
  isApiError(error) && (error.status === 403 || (error.status === 404 && error.code === 'CODE_NOT_FOUND'));

export const PartError = ({ error }: { error: unknown }) => {
  const { t } = useTranslation();
  if (isHidden(error)) return <Alert type="info" showIcon title={t('unit.notVisible')} />;
  return <ErrorNotice error={error} />;
};
