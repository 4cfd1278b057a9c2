import type { User, UserManager } from 'oidc-client-ts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { CALLBACK_PATH, type Person, personOf, returnPath } from './session';

type AuthState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signedOut'; readonly failure?: string }
  | { readonly kind: 'signedIn'; readonly person: Person; readonly user: User }
  | { readonly kind: 'noMembership'; readonly user: User };

interface Auth {
  readonly state: AuthState;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  /** The access token of the signed-in person, read at each request. */
  accessToken(): string | undefined;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export const useAuth = (): Auth => {
  const auth = useContext(AuthContext);
  if (auth === undefined) throw new Error('useAuth outside AuthProvider');
  return auth;
};

/** The signed-in person; only screens behind the sign-in gate call it. */
export const usePerson = (): Person => {
  const { state } = useAuth();
  if (state.kind !== 'signedIn') throw new Error('usePerson while not signed in');
  return state.person;
};

const stateOf = (user: User | null): AuthState => {
  if (user === null || user.expired === true) return { kind: 'signedOut' };
  const person = personOf(user);
  return person === undefined ? { kind: 'noMembership', user } : { kind: 'signedIn', person, user };
};

export const AuthProvider = ({ userManager, children }: { userManager: UserManager; children: ReactNode }) => {
  const [state, setState] = useState<AuthState>({ kind: 'loading' });
  const location = useLocation();
  const navigate = useNavigate();
  const onCallback = location.pathname === `/${CALLBACK_PATH}`;
  // Sign-in state is settled once per page load: where the page was loaded decides how.
  const [loadedOnCallback] = useState(onCallback);
  // The router's navigate changes with every location: read through a ref, it does not
  // re-run the effect below, which must consume the provider's answer exactly once.
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;

  useEffect(() => {
    let live = true;
    const settle = (next: AuthState): void => {
      if (live) setState(next);
    };
    if (loadedOnCallback) {
      userManager
        .signinRedirectCallback()
        .then((user) => {
          settle(stateOf(user));
          // The state is the console path the person was on, checked to be one of ours.
          const target = returnPath(user.state).slice(import.meta.env.BASE_URL.length - 1);
          navigateRef.current(target === '' ? '/' : target, { replace: true });
        })
        .catch((error: unknown) =>
          settle({ kind: 'signedOut', failure: error instanceof Error ? error.message : String(error) }),
        );
    } else {
      userManager.getUser().then((user) => settle(stateOf(user)));
    }
    const expired = () => settle({ kind: 'signedOut' });
    userManager.events.addAccessTokenExpired(expired);
    return () => {
      live = false;
      userManager.events.removeAccessTokenExpired(expired);
    };
  }, [userManager, loadedOnCallback]);

  const signIn = useCallback(async () => {
    const base = import.meta.env.BASE_URL.replace(/\/$/, '');
    const here = onCallback ? '/' : `${location.pathname}${location.search}`;
    await userManager.signinRedirect({ state: `${base}${here}` });
  }, [userManager, location.pathname, location.search, onCallback]);

  const signOut = useCallback(async () => {
    const user = state.kind === 'signedIn' || state.kind === 'noMembership' ? state.user : undefined;
    await userManager.removeUser();
    // Ends the session at the provider too, so the next sign-in asks for the password again.
    await userManager.signoutRedirect(user?.id_token === undefined ? undefined : { id_token_hint: user.id_token });
  }, [userManager, state]);

  const accessToken = useCallback(() => (state.kind === 'signedIn' ? state.user.access_token : undefined), [state]);

  const auth = useMemo(() => ({ state, signIn, signOut, accessToken }), [state, signIn, signOut, accessToken]);
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
};
