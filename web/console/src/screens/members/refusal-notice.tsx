import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';

type Translate = ReturnType<typeof useTranslation>['t'];

/** The refusals of the people routes a person can meet here, said in words. */
const wordsFor = (code: string, t: Translate): string | undefined =>
  ({
    LAST_ORG_ADMIN: t('members.refusal.lastOrgAdmin'),
    USER_EXISTS: t('members.refusal.userExists'),
    USER_NOT_FOUND: t('members.refusal.userNotFound'),
    NOT_ORG_ADMIN: t('members.refusal.notOrgAdmin'),
    NOT_YOUR_ORGANIZATION: t('members.refusal.notYourOrganization'),
    ORG_NOT_FOUND: t('members.refusal.orgNotFound'),
  })[code];

/** A refusal in words when it is one of the above, with its stable code; any other as the API stated it. */
export const RefusalNotice = ({ error }: { error: unknown }) => {
  const { t } = useTranslation();
  const words = isApiError(error) ? wordsFor(error.code, t) : undefined;
  if (words === undefined || !isApiError(error)) return <ErrorNotice error={error} />;
  return <Alert type="error" showIcon role="alert" title={words} description={t('members.refusal.code', { code: error.code })} />;
};
