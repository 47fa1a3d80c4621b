import { render } from '@testing-library/react';
import type { Route, Rule } from '../../../app/config/schema.ts';
import { ConnectPage } from '../../../renderer/src/pages/ConnectPage.tsx';
import { useStore } from '../../../renderer/src/store/index.ts';
import { CATALOG, PROXY_KEY, SETTINGS } from '../fixtures.ts';

const INITIAL = useStore.getState();

/** The Connect page over the test catalog, with these routes and rules saved and a proxy key. */
export function showConnectPage(saved: { routes: Route[]; rules?: Rule[]; defaultRoute?: string }) {
  useStore.setState(
    {
      ...INITIAL,
      catalog: CATALOG,
      savedRules: saved.rules ?? [],
      savedRoutes: saved.routes,
      draftRoutes: saved.routes,
      routesState: 'ready',
      settings: {
        ...SETTINGS,
        ...(saved.defaultRoute === undefined ? {} : { defaultRoute: saved.defaultRoute }),
      },
      proxyKey: PROXY_KEY,
    },
    true,
  );
  render(<ConnectPage />);
}
