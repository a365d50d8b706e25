// The shell: who is logged in, which page the address shows, the header and navigation. A 401 from
// any call ends the session here and shows the login form, keeping the address to come back to.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AppContext, type AppContextValue } from './app-context.js';
import { ErrorMessage } from './components/feedback.js';
import { PasswordDialog } from './components/password-dialog.js';
import { Link } from './components/link.js';
import { createApiClient } from './lib/api-client.js';
import type { Me } from './lib/api-types.js';
import { readCookie } from './lib/cookies.js';
import { formatCount } from './lib/format.js';
import { BASE_PATH, SECTIONS, SECTION_TITLES, parseRoute, routePath, type Route } from './lib/routes.js';
import { AuthPage } from './pages/auth-page.js';
import { BatchesPage } from './pages/batches-page.js';
import { CreditsPage } from './pages/credits-page.js';
import { KeysPage } from './pages/keys-page.js';
import { MockupsPage } from './pages/mockups-page.js';
import { RendersPage } from './pages/renders-page.js';
import { UsagePage } from './pages/usage-page.js';
import { WebhooksPage } from './pages/webhooks-page.js';

type Session =
  | { state: 'loading' }
  | { state: 'anonymous'; notice: string | null }
  | { state: 'failed'; error: unknown }
  | { state: 'ready'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [pathname, setPathname] = useState(() => window.location.pathname);
  const [changingPassword, setChangingPassword] = useState(false);
  const csrfFromMe = useRef<string | null>(null);
  const route = parseRoute(pathname);

  const api = useMemo(
    () =>
      createApiClient({
        fetch: (url, init) => window.fetch(url, init),
        baseUrl: `${BASE_PATH}/api`,
        csrfToken: () => readCookie(document.cookie, 'platen_csrf') ?? csrfFromMe.current,
        onUnauthorized: () =>
          setSession((current) =>
            current.state === 'ready'
              ? { state: 'anonymous', notice: 'Your session has ended. Please log in again.' }
              : current.state === 'anonymous'
                ? current
                : { state: 'anonymous', notice: null },
          ),
      }),
    [],
  );

  const navigate = useCallback((path: string, options: { replace?: boolean } = {}) => {
    if (path === window.location.pathname) return;
    if (options.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    setPathname(window.location.pathname);
  }, []);

  useEffect(() => {
    const onPop = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const signedIn = useCallback((me: Me) => {
    csrfFromMe.current = me.csrf_token;
    setSession({ state: 'ready', me });
  }, []);

  const loadMe = useCallback(() => {
    api
      .me()
      .then(signedIn, (error: unknown) =>
        setSession((current) => (current.state === 'anonymous' ? current : { state: 'failed', error })),
      );
  }, [api, signedIn]);

  useEffect(loadMe, [loadMe]);

  // After login/signup, leave the login address for the keys page.
  useEffect(() => {
    if (session.state === 'ready' && (route.section === 'login' || route.section === 'signup')) {
      navigate(routePath('keys'), { replace: true });
    }
  }, [session.state, route.section, navigate]);

  const title =
    route.section in SECTION_TITLES ? SECTION_TITLES[route.section as keyof typeof SECTION_TITLES] : null;
  useEffect(() => {
    document.title = session.state === 'ready' && title ? `${title} · Platen` : 'Platen dashboard';
  }, [session.state, title]);

  // Moving between pages moves focus to the new page's heading, as a page load would for a screen reader.
  const firstPath = useRef(pathname);
  useEffect(() => {
    if (pathname === firstPath.current) return;
    firstPath.current = '';
    document.getElementById('page-title')?.focus();
  }, [pathname, session.state]);

  // On a phone the navigation scrolls sideways: keep the current page's tab in view.
  useEffect(() => {
    document
      .querySelector('nav [aria-current="page"]')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname, session.state]);

  const refreshMe = useCallback(() => {
    api.me().then(signedIn, () => undefined);
  }, [api, signedIn]);

  const context = useMemo<AppContextValue | null>(
    () => (session.state === 'ready' ? { api, me: session.me, refreshMe, navigate } : null),
    [api, session, refreshMe, navigate],
  );

  if (session.state === 'loading') {
    return (
      <main id="main" className="auth">
        <p role="status" className="muted">
          Loading…
        </p>
      </main>
    );
  }
  if (session.state === 'failed') {
    return (
      <main id="main" className="auth">
        <div className="auth-card card stack">
          <h1>Platen is not answering</h1>
          <ErrorMessage error={session.error} />
          <button type="button" className="button-primary" onClick={loadMe}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (session.state === 'anonymous' || !context) {
    const mode = route.section === 'signup' ? 'signup' : 'login';
    return (
      <AuthPage
        key={mode}
        mode={mode}
        api={api}
        notice={session.state === 'anonymous' ? session.notice : null}
        onSwitch={(next) => navigate(routePath(next))}
        onAuthenticated={signedIn}
      />
    );
  }

  const logout = () => {
    api.logout().then(
      () => setSession({ state: 'anonymous', notice: 'You are logged out.' }),
      () => setSession({ state: 'anonymous', notice: null }),
    );
  };

  return (
    <AppContext.Provider value={context}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-row">
          <Link to={routePath('keys')} className="brand">
            Platen
          </Link>
          <div className="account">
            <Link to={routePath('credits')} className="credits-pill">
              {formatCount(context.me.account.credits)} credits
            </Link>
            <span className="account-email" title={context.me.user.email}>
              {context.me.user.email}
            </span>
            {/* Below 760 px the account controls wrap to a second row (styles.css). */}
            <button
              type="button"
              className="button-ghost"
              title="Change password"
              onClick={() => setChangingPassword(true)}
            >
              Password…
            </button>
            <button type="button" className="button-ghost" onClick={logout}>
              Log out
            </button>
          </div>
        </div>
        <nav aria-label="Dashboard">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section}>
                <Link to={routePath(section)} current={route.section === section}>
                  {SECTION_TITLES[section]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="content">
        <Page route={route} />
      </main>
      {changingPassword && (
        <PasswordDialog api={api} onChanged={signedIn} onClose={() => setChangingPassword(false)} />
      )}
    </AppContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.section) {
    case 'keys':
    case 'login':
    case 'signup':
      return <KeysPage />;
    case 'usage':
      return <UsagePage />;
    case 'credits':
      return <CreditsPage />;
    case 'renders':
      return <RendersPage openUuid={route.id} />;
    case 'batches':
      return <BatchesPage openUuid={route.id} />;
    case 'mockups':
      return <MockupsPage openUuid={route.id} />;
    case 'webhooks':
      return <WebhooksPage />;
    case 'not-found':
      return (
        <section className="stack">
          <h1 id="page-title" tabIndex={-1}>
            Page not found
          </h1>
          <p>
            <Link to={routePath('keys')}>Go to your API keys</Link>
          </p>
        </section>
      );
  }
}
