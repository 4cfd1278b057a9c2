import { InMemoryWebStorage, type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleConfig } from '../config';

/** The claims the provider adds for TraceSeal (the pre-token trigger in AWS, the local provider). */
export interface Person {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly orgId: string;
  readonly role: 'factory' | 'distributor' | 'regulator' | 'admin' | 'lab';
  readonly orgAdmin: boolean;
}

export const CALLBACK_PATH = 'callback';

/**
 * Sign-in with the authorization code and PKCE. Tokens live in memory only (a script injected
 * into the page could read localStorage long after the tab is gone); after a reload one click
 * signs in again, without a form while the provider's own session lasts. The sign-in state and
 * PKCE verifier, which must survive the redirect, stay in sessionStorage, the library's default.
 */
export const createUserManager = (config: ConsoleConfig): UserManager => {
  const base = new URL(import.meta.env.BASE_URL, window.location.origin);
  return new UserManager({
    // A path (the local provider on the gateway's origin) or an absolute URL (the user pool).
    authority: new URL(config.oidc.authority, window.location.origin).href,
    client_id: config.oidc.clientId,
    redirect_uri: new URL(CALLBACK_PATH, base).href,
    post_logout_redirect_uri: base.href,
    response_type: 'code',
    scope: config.oidc.scope,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    // Session monitoring loads the provider in an iframe, which the console's CSP forbids.
    monitorSession: false,
    automaticSilentRenew: false,
  });
};

const ROLES = new Set(['factory', 'distributor', 'regulator', 'admin', 'lab']);

export const personOf = (user: User): Person | undefined => {
  const claims = user.profile as Record<string, unknown>;
  const role = claims.role;
  if (typeof claims.org_id !== 'string' || typeof role !== 'string' || !ROLES.has(role)) return undefined;
  return {
    userId: user.profile.sub,
    name: typeof claims.name === 'string' ? claims.name : user.profile.sub,
    email: typeof claims.email === 'string' ? claims.email : '',
    orgId: claims.org_id,
    role: role as Person['role'],
    orgAdmin: claims.org_admin === true,
  };
};

/** Where to return after the provider's round trip: only a path of the console itself. */
export const returnPath = (state: unknown): string => {
  const base = import.meta.env.BASE_URL;
  return typeof state === 'string' && state.startsWith(base) && !state.startsWith('//') ? state : base;
};
