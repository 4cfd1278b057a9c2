import { DownloadOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { useAuth } from '../auth/auth-context';
import { ErrorNotice } from '../layout/error-notice';

/**
 * A file the API answers to a signed-in person (a label PDF, a CSV of codes, a report's PDF):
 * fetched through the API client with the bearer token, then handed to the browser as a
 * download from memory, since a plain link cannot carry the token.
 */
export const DownloadButton = ({
  label,
  fileName,
  load,
}: {
  label: string;
  fileName: string;
  /** The API call: it answers the file's bytes (openapi-fetch with parseAs: 'blob'). */
  load: () => Promise<Blob>;
}) => {
  const { state } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <>
      <Button
        icon={<DownloadOutlined />}
        loading={busy}
        disabled={state.kind !== 'signedIn'}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const url = URL.createObjectURL(await load());
            const anchor = document.createElement('a');
            anchor.href = url;
            anchor.download = fileName;
            anchor.click();
            URL.revokeObjectURL(url);
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        {label}
      </Button>
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
};
