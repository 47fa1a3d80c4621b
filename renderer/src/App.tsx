import { lazy, Suspense, useEffect, useRef, type ComponentType } from 'react';
import { describeError } from './api/client.ts';
import { ErrorBanner } from './components/ErrorBanner.tsx';
import { Skeleton } from './components/Skeleton.tsx';
import { TeamBanner } from './components/TeamPanel.tsx';
import { Toasts } from './components/Toasts.tsx';
import { PAGES, hrefFor, useHashRoute, type PageId } from './lib/hashRoute.ts';
import { OverviewPage } from './pages/OverviewPage.tsx';
import { useStore } from './store/index.ts';
import { hasUnsavedRoutes } from './store/routesSlice.ts';
import { startSync } from './store/sync.ts';

type PageProps = { param: string | null };

const NO_ERRORS: string[] = [];

// The chart and drag-and-drop libraries load with the pages that use them.
const PAGE_COMPONENTS: Record<PageId, ComponentType<PageProps>> = {
  overview: OverviewPage,
  latency: lazy(() => import('./pages/LatencyPage.tsx').then((m) => ({ default: m.LatencyPage }))),
  routes: lazy(() => import('./pages/RoutesPage.tsx').then((m) => ({ default: m.RoutesPage }))),
  providers: lazy(() =>
    import('./pages/ProvidersPage.tsx').then((m) => ({ default: m.ProvidersPage })),
  ),
  requests: lazy(() =>
    import('./pages/RequestsPage.tsx').then((m) => ({ default: m.RequestsPage })),
  ),
  connect: lazy(() => import('./pages/ConnectPage.tsx').then((m) => ({ default: m.ConnectPage }))),
};

const STREAM_LABEL = {
  open: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
} as const;

function Sidebar(props: { current: PageId }) {
  const unsaved = useStore(hasUnsavedRoutes);
  const stream = useStore((s) => s.stream);
  const version = useStore((s) => s.engine?.version);
  const paused = useStore((s) => s.engine?.paused);
  const toast = useStore((s) => s.toast);
  const togglePause = () =>
    void useStore
      .getState()
      .setPaused(!paused)
      .catch((err: unknown) => toast('error', describeError(err)));
  return (
    <nav className="sidebar" aria-label="Pages">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Switchyard
      </div>
      <ul className="nav-list">
        {PAGES.map((page) => (
          <li key={page.id}>
            <a
              className="nav-link"
              href={hrefFor(page.id)}
              aria-current={page.id === props.current ? 'page' : undefined}
            >
              {page.title}
              {page.id === 'routes' && unsaved && (
                <span className="pill warn" title="Unsaved route changes">
                  unsaved
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">
        <span className="row" style={{ gap: 6 }}>
          <span
            className="swatch"
            style={{
              borderRadius: '50%',
              background: stream === 'open' ? 'var(--ok)' : 'var(--warn)',
            }}
            aria-hidden="true"
          />
          <span role="status">{STREAM_LABEL[stream]}</span>
        </span>
        {version !== undefined && <span>Engine {version}</span>}
        {paused !== undefined && (
          <button type="button" className="small" onClick={togglePause} aria-pressed={paused}>
            {paused ? 'Resume routing' : 'Pause routing'}
          </button>
        )}
      </div>
    </nav>
  );
}

/** The dashboard: navigation, the current page, and the toasts. */
export function App() {
  const route = useHashRoute();
  const engineError = useStore((s) => s.engineError);
  const configErrors = useStore((s) => s.engine?.configErrors) ?? NO_ERRORS;
  const paused = useStore((s) => s.engine?.paused === true);
  const team = useStore((s) => s.engine?.team);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => startSync(), []);

  useEffect(() => {
    // Unsaved route edits survive page changes (they live in the store); only closing the tab
    // could lose them, so the browser is asked to confirm that.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (hasUnsavedRoutes(useStore.getState())) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  useEffect(() => {
    const title = PAGES.find((p) => p.id === route.page)?.title ?? 'Overview';
    document.title = `${title} · Switchyard`;
  }, [route.page]);

  const Page = PAGE_COMPONENTS[route.page];
  return (
    <div className="shell">
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        Skip to content
      </button>
      <Sidebar current={route.page} />
      <main id="main" className="content" ref={mainRef} tabIndex={-1}>
        {engineError !== null && (
          <div style={{ marginBottom: 14 }}>
            <ErrorBanner
              message={engineError}
              onRetry={() => void useStore.getState().loadEngine()}
            />
          </div>
        )}
        {paused && (
          <div className="banner warn" role="alert" style={{ marginBottom: 14 }}>
            <span style={{ flex: 1 }}>
              Routing is paused: the proxy answers every request with 503 until you resume it.
            </span>
            <button
              type="button"
              onClick={() =>
                void useStore
                  .getState()
                  .setPaused(false)
                  .catch((err: unknown) => useStore.getState().toast('error', describeError(err)))
              }
            >
              Resume routing
            </button>
          </div>
        )}
        <TeamBanner team={team} />
        {configErrors.length > 0 && (
          <div className="banner warn" role="alert" style={{ marginBottom: 14 }}>
            <div>
              <strong>Your last edit of the config file was not applied</strong>; the previous
              config stays in force. Fix these and save the file again:
              <ul style={{ margin: '4px 0 0' }}>
                {configErrors.map((e) => (
                  <li key={e}>
                    <code>{e}</code>
                  </li>
                ))}
              </ul>
            </div>
          </div>
        )}
        <Suspense fallback={<Skeleton height={160} count={3} label="Loading page" />}>
          <Page param={route.param} />
        </Suspense>
      </main>
      <Toasts />
    </div>
  );
}
