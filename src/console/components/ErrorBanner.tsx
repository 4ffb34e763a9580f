import type { ApiError } from '../lib/api';

/** A visible, announced error from the server (its `__type` and message). */
export function ErrorBanner({ error, onDismiss, testId = 'error-banner' }: { error: ApiError | null; onDismiss?: () => void; testId?: string }) {
  if (!error) return null;
  return (
    <div class="banner banner-error" role="alert" data-testid={testId} data-error-code={error.code}>
      <div class="banner-body">
        <strong class="banner-code">{error.code}</strong>
        <span class="banner-message">{error.message}</span>
      </div>
      {onDismiss && (
        <button type="button" class="btn-icon" onClick={onDismiss} aria-label="Dismiss error" title="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
