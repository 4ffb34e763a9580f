import { useState } from 'preact/hooks';
import { ApiError, signIn, toApiError } from '../lib/api';
import type { Session } from '../lib/session';
import { ErrorBanner } from './ErrorBanner';
import { Logo } from './Logo';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string | null }) {
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(accessKeyId.trim(), secret));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <form class="signin-card" onSubmit={submit} data-testid="signin-form" aria-labelledby="signin-title">
        <div class="signin-brand"><Logo /> <span>Trailwatch</span></div>
        <h1 id="signin-title">Sign in</h1>
        <p class="muted">Use an access key of this Trailwatch server: the same key the AWS CLI and SDKs use.</p>
        {notice && !error && <div class="banner banner-info" role="status">{notice}</div>}
        <ErrorBanner error={error} testId="signin-error" />
        <label class="field">
          <span>Access key ID</span>
          <input
            name="accessKeyId" autoComplete="username" spellcheck={false} autoCapitalize="off" required autoFocus
            value={accessKeyId} onInput={(e) => setAccessKeyId(e.currentTarget.value)} data-testid="signin-access-key"
          />
        </label>
        <label class="field">
          <span>Secret access key</span>
          <input
            name="secretAccessKey" type="password" autoComplete="current-password" required
            value={secret} onInput={(e) => setSecret(e.currentTarget.value)} data-testid="signin-secret"
          />
        </label>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="signin-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
