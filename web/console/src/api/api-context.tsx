import { createContext, type ReactNode, useContext, useRef } from 'react';
import { useAuth } from '../auth/auth-context';
import { type ApiClient, createApiClient } from './client';

const ApiContext = createContext<ApiClient | undefined>(undefined);

export const useApi = (): ApiClient => {
  const api = useContext(ApiContext);
  if (api === undefined) throw new Error('useApi outside ApiProvider');
  return api;
};

/** One client for the page's life; it reads the current access token at every request. */
export const ApiProvider = ({ apiBase, children }: { apiBase: string; children: ReactNode }) => {
  const { accessToken } = useAuth();
  const token = useRef(accessToken);
  token.current = accessToken;
  const client = useRef<ApiClient | undefined>(undefined);
  client.current ??= createApiClient(apiBase, () => token.current());
  return <ApiContext.Provider value={client.current}>{children}</ApiContext.Provider>;
};
