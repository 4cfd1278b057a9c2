/**
 * What the console needs to know about where it runs, read from `config.json` beside its
 * index.html: written at deployment in AWS (the user pool's authority and the console's app
 * client) and served by the local gateway. Nothing here is secret: the console is a public
 * OpenID client that proves itself with PKCE.
 */
export interface ConsoleConfig {
  /** Origin of the API; empty means the console's own origin (one CloudFront distribution). */
  readonly apiBase: string;
  readonly oidc: {
    readonly authority: string;
    readonly clientId: string;
    readonly scope: string;
  };
}

const isConfig = (value: unknown): value is ConsoleConfig => {
  const config = value as Partial<ConsoleConfig> | null;
  return (
    typeof config?.apiBase === 'string' &&
    typeof config.oidc?.authority === 'string' &&
    typeof config.oidc.clientId === 'string' &&
    typeof config.oidc.scope === 'string'
  );
};

export const loadConfig = async (): Promise<ConsoleConfig> => {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const config: unknown = await response.json();
  if (!isConfig(config)) throw new Error('config.json lacks apiBase or oidc.{authority,clientId,scope}');
  return config;
};
