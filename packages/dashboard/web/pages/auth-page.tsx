// Log in and sign up. Passwords need at least 12 characters (checked here for a quick answer; the
// server decides). Failed logins are rate limited: the wait the server asks for is shown.
import { useState, type FormEvent, type MouseEvent } from 'react';
import { describeError } from '../lib/api-error.js';
import type { ApiClient } from '../lib/api-client.js';
import type { Me } from '../lib/api-types.js';
import { routePath } from '../lib/routes.js';

export const PASSWORD_MIN = 12;

export interface AuthPageProps {
  mode: 'login' | 'signup';
  api: ApiClient;
  notice: string | null;
  onSwitch: (mode: 'login' | 'signup') => void;
  onAuthenticated: (me: Me) => void;
}

export function AuthPage({ mode, api, notice, onSwitch, onAuthenticated }: AuthPageProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === 'signup';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.includes('@')) return setError('Enter your email address.');
    if (signup && password.length < PASSWORD_MIN) {
      return setError(`Choose a password of at least ${PASSWORD_MIN} characters.`);
    }
    if (!password) return setError('Enter your password.');
    setBusy(true);
    setError(null);
    try {
      const me = signup ? await api.signup(email.trim(), password) : await api.login(email.trim(), password);
      onAuthenticated(me);
    } catch (reason) {
      setError(describeError(reason));
      setBusy(false);
    }
  };

  const switchTo = (event: MouseEvent<HTMLAnchorElement>, next: 'login' | 'signup') => {
    event.preventDefault();
    setError(null);
    onSwitch(next);
  };

  return (
    <main id="main" className="auth">
      <div className="auth-card card stack">
        <p className="brand brand-large" aria-hidden="true">
          Platen
        </p>
        <h1 id="page-title" tabIndex={-1}>
          {signup ? 'Create your account' : 'Log in'}
        </h1>
        {notice && (
          <p role="status" className="notice">
            {notice}
          </p>
        )}
        <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
          <label className="field">
            Email
            <input
              type="email"
              name="email"
              autoComplete="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              required
              autoFocus
            />
          </label>
          <div className="field">
            <label className="field">
              Password
              <input
                type={showPassword ? 'text' : 'password'}
                name="password"
                autoComplete={signup ? 'new-password' : 'current-password'}
                value={password}
                minLength={signup ? PASSWORD_MIN : undefined}
                onChange={(event) => setPassword(event.target.value)}
                aria-describedby={signup ? 'password-hint' : undefined}
                required
              />
            </label>
            {signup && (
              <span id="password-hint" className="hint">
                At least {PASSWORD_MIN} characters. A few unrelated words make a good one.
              </span>
            )}
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={showPassword}
              onChange={(event) => setShowPassword(event.target.checked)}
            />
            Show password
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="button-primary button-block" disabled={busy}>
            {busy ? (signup ? 'Creating account…' : 'Logging in…') : signup ? 'Sign up' : 'Log in'}
          </button>
        </form>
        <p className="small">
          {signup ? (
            <>
              Already have an account?{' '}
              <a href={routePath('login')} onClick={(event) => switchTo(event, 'login')}>
                Log in
              </a>
            </>
          ) : (
            <>
              New to Platen?{' '}
              <a href={routePath('signup')} onClick={(event) => switchTo(event, 'signup')}>
                Create an account
              </a>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
