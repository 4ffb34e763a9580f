/** The Trailwatch mark: a trail of log lines under a watchful eye. */
export function Logo({ size = 24 }: { size?: number }) {
  return (
    <svg class="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#1f4fbf" />
      <path d="M7 11.5c2.6-3.3 5.6-5 9-5s6.4 1.7 9 5c-2.6 3.3-5.6 5-9 5s-6.4-1.7-9-5z" fill="#fff" />
      <circle cx="16" cy="11.5" r="2.6" fill="#1f4fbf" />
      <rect x="7" y="20" width="18" height="2.2" rx="1.1" fill="#fff" />
      <rect x="7" y="24.5" width="12" height="2.2" rx="1.1" fill="#9db6f0" />
    </svg>
  );
}
