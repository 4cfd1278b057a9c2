import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '#kernel/roles';
import type { Member } from '#registry/contract';
import { addAccount, findAccount } from '#shared/registry/store/local-account-file';
import { createMember } from '#shared/registry/store/member-repository';
import { CONSOLE_CLIENT_ID, localAccountsFile } from '../../scripts/local/oidc-provider';
import type { TestService } from './local-service';

/** A person of an organization, made as an invitation makes one: a local sign-in and a membership. */
export const addPerson = async (
  service: TestService,
  input: { orgId: string; role: Role; orgAdmin?: boolean; name?: string },
): Promise<{ userId: string; email: string; password: string }> => {
  const email = `person-${randomBytes(6).toString('hex')}@example.com`;
  const { account, password } = await addAccount(localAccountsFile(service.runtime.dataDir), email);
  const member: Member = {
    userId: account.userId,
    orgId: input.orgId,
    role: input.role,
    email,
    name: input.name ?? 'Test Person',
    orgAdmin: input.orgAdmin ?? false,
    status: 'active',
    createdAt: new Date().toISOString(),
  };
  await createMember(member);
  return { userId: account.userId, email, password };
};

/** The temporary password the local directory made for an invited person. */
export const issuedPasswordOf = async (service: TestService, userId: string): Promise<string | undefined> =>
  (await findAccount(localAccountsFile(service.runtime.dataDir), userId))?.issuedPassword;

/** A browser's cookie jar, as far as the provider's cookies need one (one host, paths ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  public take(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair === undefined || at < 1) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  public header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface SignInResult {
  accessToken: string;
  idToken: string;
  /** Every page the browser was shown on the way, with its headers. */
  pages: Response[];
  loginPage: string;
  /** The browser's cookies after the sign-in: its session at the provider. */
  cookies: CookieJar;
}

/**
 * Signs in as the console does, over HTTP against the local OpenID provider: authorization
 * code + PKCE (S256), the login form fetched and posted, every redirect followed with the
 * cookies the provider set, the code exchanged at the token endpoint.
 */
export const signIn = async (
  baseUrl: string,
  credentials: { email: string; password: string },
  redirectPath = '/console/callback',
): Promise<SignInResult> => {
  const jar = new CookieJar();
  const pages: Response[] = [];
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const redirectUri = `${baseUrl}${redirectPath}`;
  const authorize = new URL(`${baseUrl}/oidc/auth`);
  for (const [name, value] of Object.entries({
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce: randomBytes(8).toString('hex'),
  })) {
    authorize.searchParams.set(name, value);
  }
  const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(new URL(url, baseUrl), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.take(response);
    pages.push(response);
    return response;
  };
  // Follows redirects within the provider until one leaves it (to the redirect URI) or a page is shown.
  const follow = async (first: Response): Promise<Response> => {
    let response = first;
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const location = response.headers.get('location') ?? '';
      if (location.startsWith(redirectUri)) return response;
      response = await go(location);
    }
    return response;
  };

  const loginForm = await follow(await go(authorize.toString()));
  const loginPage = await loginForm.text();
  const action = /<form method="post" action="([^"]+)"/.exec(loginPage)?.[1];
  if (loginForm.status !== 200 || action === undefined) throw new Error(`no login form: ${loginForm.status} ${loginPage}`);
  const posted = await go(action.replaceAll('&amp;', '&'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(credentials).toString(),
  });
  const back = await follow(posted);
  const location = back.headers.get('location') ?? '';
  if (!location.startsWith(redirectUri)) throw new Error(`sign-in did not come back: ${back.status} ${await back.text()}`);
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = callback.searchParams.get('code') ?? '';
  const token = await fetch(`${baseUrl}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: CONSOLE_CLIENT_ID,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await token.json()) as { access_token?: string; id_token?: string };
  if (token.status !== 200 || body.access_token === undefined || body.id_token === undefined) {
    throw new Error(`token exchange failed: ${token.status} ${JSON.stringify(body)}`);
  }
  return { accessToken: body.access_token, idToken: body.id_token, pages, loginPage, cookies: jar };
};
