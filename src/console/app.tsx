import { useEffect, useState } from 'preact/hooks';
import { setToken, setUnauthorizedHandler } from './lib/api';
import { clearSession, loadSession, saveSession, type Session } from './lib/session';
import { href, navigate, useRoute, type Route } from './lib/router';
import { SignIn } from './components/SignIn';
import { Logo } from './components/Logo';
import { GroupsPage } from './pages/GroupsPage';
import { GroupPage } from './pages/GroupPage';
import { StreamPage } from './pages/StreamPage';
import { ExplorePage } from './pages/ExplorePage';
import { lazyPage } from './lib/lazy-page';

const DashboardsPage = lazyPage(() => import('./pages/DashboardsPage').then((m) => m.DashboardsPage));
const DashboardPage = lazyPage(() => import('./pages/DashboardPage').then((m) => m.DashboardPage));
const MetricsPage = lazyPage(() => import('./pages/MetricsPage').then((m) => m.MetricsPage));
const AlarmsPage = lazyPage(() => import('./pages/AlarmsPage').then((m) => m.AlarmsPage));
const AlarmPage = lazyPage(() => import('./pages/AlarmPage').then((m) => m.AlarmPage));

function titleOf(route: Route): string {
  switch (route.name) {
    case 'groups': return 'Log groups';
    case 'group': return route.group;
    case 'stream': return `${route.stream} · ${route.group}`;
    case 'explore': return 'Log explorer';
    case 'dashboards': return 'Dashboards';
    case 'dashboard': return `${route.dashboard} · Dashboards`;
    case 'metrics': return 'Metrics';
    case 'alarms': return 'Alarms';
    case 'alarm': return `${route.alarm} · Alarms`;
    default: return 'Not found';
  }
}

function routeKey(route: Route): string {
  switch (route.name) {
    case 'groups': return 'groups';
    case 'group': return `group:${route.group}`;
    case 'stream': return `stream:${route.group}:${route.stream}`;
    case 'explore': return 'explore';
    case 'dashboards': return 'dashboards';
    case 'dashboard': return `dashboard:${route.dashboard}`;
    case 'metrics': return 'metrics';
    case 'alarms': return 'alarms';
    case 'alarm': return `alarm:${route.alarm}`;
    default: return `404:${route.path}`;
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => {
    const s = loadSession();
    setToken(s?.token ?? null);
    return s;
  });
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  function signOut(message: string | null = null) {
    clearSession();
    setToken(null);
    setSession(null);
    setNotice(message);
  }

  useEffect(() => {
    setUnauthorizedHandler(() => signOut('Your session is no longer valid (the access key may have been removed). Sign in again.'));
  }, []);

  useEffect(() => {
    if (route.name === 'groups' && !location.hash.startsWith('#/groups')) navigate(href.groups(), true);
  }, [route]);

  useEffect(() => {
    document.title = session ? `${titleOf(route)} · Trailwatch` : 'Sign in · Trailwatch';
  }, [route, session]);

  // A new page: back to the top, focus on its heading (screen readers announce it).
  const key = routeKey(route);
  useEffect(() => {
    if (!session) return;
    window.scrollTo(0, 0);
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [key, session !== null]);

  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          saveSession(s);
          setToken(s.token);
          setNotice(null);
          setSession(s);
        }}
      />
    );
  }

  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('page-title')?.focus(); }}>Skip to content</a>
      <header class="topbar" data-testid="app-header">
        <a class="brand" href={href.groups()}><Logo /> <span>Trailwatch</span></a>
        <nav class="topnav" aria-label="Main">
          <a href={href.groups()} class="nav-groups" aria-current={route.name === 'groups' ? 'page' : undefined}>Log groups</a>
          <a href={href.explore()} aria-current={route.name === 'explore' ? 'page' : undefined} data-testid="nav-explore">Explore</a>
          <a href={href.dashboards()} aria-current={route.name === 'dashboards' || route.name === 'dashboard' ? 'page' : undefined} data-testid="nav-dashboards">Dashboards</a>
          <a href={href.metrics()} aria-current={route.name === 'metrics' ? 'page' : undefined} data-testid="nav-metrics">Metrics</a>
          <a href={href.alarms()} aria-current={route.name === 'alarms' || route.name === 'alarm' ? 'page' : undefined} data-testid="nav-alarms">Alarms</a>
        </nav>
        <div class="account">
          <span class="chip" title={`Account ${session.accountId}`}>{session.region}</span>
          <span class="who" title={`Access key ${session.accessKeyId}`} data-testid="signed-in-user">{session.user}</span>
          <button type="button" class="btn btn-small" onClick={() => signOut()} data-testid="sign-out">Sign out</button>
        </div>
      </header>
      <main id="main" class="main">
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'groups': return <GroupsPage query={route.query} />;
    case 'group': return <GroupPage key={route.group} group={route.group} query={route.query} />;
    case 'stream': return <StreamPage key={`${route.group}\n${route.stream}`} group={route.group} stream={route.stream} />;
    case 'explore': return <ExplorePage query={route.query} />;
    case 'dashboards': return <DashboardsPage query={route.query} />;
    case 'dashboard': return <DashboardPage key={route.dashboard} name={route.dashboard} query={route.query} />;
    case 'metrics': return <MetricsPage query={route.query} />;
    case 'alarms': return <AlarmsPage query={route.query} />;
    case 'alarm': return <AlarmPage key={route.alarm} name={route.alarm} query={route.query} />;
    default:
      return (
        <section class="page">
          <h1 id="page-title" tabIndex={-1}>Page not found</h1>
          <p>There is nothing at <code>#{route.path}</code>. <a href={href.groups()}>Go to the log groups</a>.</p>
        </section>
      );
  }
}
