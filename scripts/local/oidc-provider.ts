import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import Provider from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { scopeForRole } from '#kernel/auth/principal';
import { getMemberByUserId, isCurrentMember, type Member } from '#registry';
import { findAccountByEmail, passwordMatches } from '#shared/registry/store/local-account-file';
import { LOCAL_ISSUER_ALG, loadLocalIssuerKey } from './local-issuer';
import { OIDC_PAGE_CSP, renderErrorPage, renderLoggedOutPage, renderLoginPage, renderLogoutPage } from './oidc-pages';

/**
 * A real OpenID provider on this machine (oidc-provider), standing in for the Cognito user
 * pool's hosted UI: the console signs people in against it with authorization code + PKCE,
 * exactly as against the pool. Mounted in the gateway at /oidc on the gateway's own origin
 * (issuer `${origin}/oidc`). Its accounts are the local account file under DATA_DIR
 * (shared/registry/store/local-account-file.ts); what a token says about the person comes
 * from the membership in the table, read again at every sign-in and token, so a removed
 * person can neither sign in nor get a token.
 *
 * Access tokens are JWTs (ES256) shaped like the pre-token trigger shapes Cognito's:
 * `token_use: access`, `client_id`, `scope` with exactly one role scope, `org_id`,
 * `org_admin`, `name`, `email`; the API's authorizer takes them from the provider's JWKS.
 */
export const OIDC_MOUNT_PATH = '/oidc';
export const CONSOLE_CLIENT_ID = 'traceseal-console';
export const CONSOLE_SCOPES = 'openid profile email';
/** Under DATA_DIR, mode 0600: the provider's signing key and its people. */
export const OIDC_KEY_FILE = 'oidc-provider-key.pem';
export const LOCAL_ACCOUNTS_FILE = 'oidc-accounts.json';
/** The audience of the API's access tokens (a resource indicator; the authorizer does not read it). */
const API_RESOURCE = 'urn:traceseal:api';
const ACCESS_TOKEN_SECONDS = 3600;

export interface LocalOidcProvider {
  issuer: string;
  jwksUrl: string;
  /** Answers a request under /oidc; false for any other path. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 8192) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const currentMember = async (userId: string): Promise<Member | undefined> => {
  const member = await getMemberByUserId(userId);
  return member !== undefined && isCurrentMember(member, member.orgId, member.role) ? member : undefined;
};

const html = (res: ServerResponse, status: number, body: string): void => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
};

export const createLocalOidcProvider = async (options: { origin: string; dataDir: string }): Promise<LocalOidcProvider> => {
  const issuer = `${options.origin}${OIDC_MOUNT_PATH}`;
  const accountsFile = join(options.dataDir, LOCAL_ACCOUNTS_FILE);
  const privateKey = await loadLocalIssuerKey(options.dataDir, OIDC_KEY_FILE);
  const privateJwk = await exportJWK(privateKey);
  const { d: _private, ...publicJwk } = privateJwk;
  const kid = await calculateJwkThumbprint(publicJwk);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        // A browser app keeps no secret: PKCE proves the code's requester.
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${options.origin}/console/callback`, `${options.origin}/scan/callback`],
        post_logout_redirect_uris: [`${options.origin}/console/`, `${options.origin}/scan`],
        scope: CONSOLE_SCOPES,
        id_token_signed_response_alg: LOCAL_ISSUER_ALG,
      },
    ],
    clientDefaults: { id_token_signed_response_alg: LOCAL_ISSUER_ALG },
    pkce: { required: () => true },
    jwks: { keys: [{ ...privateJwk, kid, alg: LOCAL_ISSUER_ALG, use: 'sig' }] },
    // Sessions and interactions live in memory, named explicitly (the provider warns otherwise):
    // they end with the process, and a new start signs everyone in again.
    adapter: createMemoryAdapter(),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name', 'org_id', 'role', 'org_admin'], email: ['email', 'email_verified'] },
    // The ID token carries the scopes' claims: the console shows who is signed in from it.
    conformIdTokenClaims: false,
    async findAccount(_ctx: unknown, sub: string) {
      const member = await currentMember(sub);
      if (member === undefined) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          name: member.name,
          email: member.email,
          email_verified: true,
          org_id: member.orgId,
          role: member.role,
          org_admin: member.orgAdmin,
        }),
      };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${OIDC_MOUNT_PATH}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: { body: string }, form: string) => {
          ctx.body = renderLogoutPage(form);
        },
        postLogoutSuccessSource: async (ctx: { body: string }) => {
          ctx.body = renderLoggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: CONSOLE_SCOPES,
          audience: API_RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TOKEN_SECONDS,
          jwt: { sign: { alg: LOCAL_ISSUER_ALG } },
        }),
      },
    },
    formats: {
      customizers: {
        // The claims the API's authorizer reads, from the membership as it is now.
        async jwt(_ctx: unknown, token: { accountId?: string }, jwt: { payload: Record<string, unknown> }) {
          const member = token.accountId === undefined ? undefined : await currentMember(token.accountId);
          if (member === undefined) throw new Error('no current membership');
          Object.assign(jwt.payload, {
            token_use: 'access',
            scope: `${CONSOLE_SCOPES} ${scopeForRole(member.role)}`,
            org_id: member.orgId,
            org_admin: member.orgAdmin,
            name: member.name,
            email: member.email,
          });
        },
      },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      IdToken: ACCESS_TOKEN_SECONDS,
      Session: 8 * 3600,
      Interaction: 600,
      Grant: 8 * 3600,
    },
    async renderError(ctx: { type: string; body: string }, out: { error?: string; error_description?: string }) {
      ctx.type = 'html';
      ctx.body = renderErrorPage(out.error ?? 'server_error', out.error_description);
    },
  });
  const callback = provider.callback();

  /** The person's first-party grant: the console asks for nothing more than who it is. */
  const grantFor = async (accountId: string, grantId: string | undefined): Promise<string> => {
    if (grantId !== undefined) return grantId;
    const grant = new provider.Grant({ accountId, clientId: CONSOLE_CLIENT_ID });
    grant.addOIDCScope(CONSOLE_SCOPES);
    grant.addResourceScope(API_RESOURCE, CONSOLE_SCOPES);
    return grant.save();
  };

  const interaction = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    const action = `${OIDC_MOUNT_PATH}/interaction/${details.uid}/login`;
    if (details.prompt.name === 'consent') {
      const accountId = details.session?.accountId ?? '';
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grantFor(accountId, details.grantId) } },
        {
          mergeWithLastSubmission: true,
        },
      );
      return;
    }
    if (req.method === 'GET' && path === `/interaction/${details.uid}`) return html(res, 200, renderLoginPage({ action }));
    if (req.method !== 'POST' || path !== `/interaction/${details.uid}/login`)
      return html(res, 404, renderErrorPage('not_found', undefined));
    const form = await readForm(req);
    const email = form.get('email') ?? '';
    const account = await findAccountByEmail(accountsFile, email);
    const signedIn =
      account !== undefined &&
      (await passwordMatches(form.get('password') ?? '', account.passwordHash)) &&
      (await currentMember(account.userId)) !== undefined;
    if (!signedIn || account === undefined) return html(res, 401, renderLoginPage({ action, email, failed: true }));
    await provider.interactionFinished(req, res, { login: { accountId: account.userId } }, { mergeWithLastSubmission: false });
  };

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    async serve(req, res) {
      const url = req.url ?? '/';
      if (url !== OIDC_MOUNT_PATH && !url.startsWith(`${OIDC_MOUNT_PATH}/`) && !url.startsWith(`${OIDC_MOUNT_PATH}?`))
        return false;
      res.setHeader('content-security-policy', OIDC_PAGE_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      // Mounted as connect mounts it: the provider sees the path below /oidc.
      const inner = url.slice(OIDC_MOUNT_PATH.length) || '/';
      const path = inner.split('?')[0] ?? '/';
      if (path.startsWith('/interaction/')) {
        try {
          await interaction(req, res, path);
        } catch {
          if (!res.headersSent)
            html(res, 400, renderErrorPage('invalid_request', 'The sign-in expired or is not this browser’s.'));
        }
        return true;
      }
      Object.assign(req, { originalUrl: url, url: inner });
      await new Promise<void>((resolve) => {
        res.once('finish', resolve);
        res.once('close', resolve);
        callback(req, res);
      });
      return true;
    },
  };
};

/** The file of the local provider's accounts in a DATA_DIR (the runtime gives it as LOCAL_ACCOUNTS_FILE). */
export const localAccountsFile = (dataDir: string): string => join(dataDir, LOCAL_ACCOUNTS_FILE);
