/** The signed-in session: a bearer token from `POST /api/v1/session`, kept in sessionStorage. */
export interface Session {
  token: string;
  accessKeyId: string;
  user: string;
  region: string;
  accountId: string;
}

const KEY = 'trailwatch.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    return typeof s.token === 'string' && typeof s.accessKeyId === 'string' ? (s as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
