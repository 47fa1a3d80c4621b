import { useEffect, useState } from 'react';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProblemList } from '../components/ProblemList.tsx';
import { SaveStatus } from '../components/SaveStatus.tsx';
import { ModelWatchBanner } from '../components/ModelWatchBanner.tsx';
import { ChainEditor } from '../components/ChainEditor.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { DefaultRouteField } from '../components/DefaultRouteField.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { PlanPreview } from '../components/PlanPreview.tsx';
import { RouteSettings } from '../components/RouteSettings.tsx';
import { RulesSection } from '../components/RulesSection.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { hrefFor } from '../lib/hashRoute.ts';
import { freshRouteName, hasProblems, validateRoutes } from '../lib/routeValidation.ts';
import { useNow } from '../lib/useNow.ts';
import { useStore } from '../store/index.ts';
import { hasUnsavedRoutes } from '../store/routesSlice.ts';

function SaveBar(props: { problems: number }) {
  const dirty = useStore(hasUnsavedRoutes);
  const saving = useStore((s) => s.saving);
  const saveProblems = useStore((s) => s.saveProblems);
  const changedElsewhere = useStore((s) => s.routesChangedElsewhere);
  const toast = useStore((s) => s.toast);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const save = async () => {
    if (await useStore.getState().saveRoutes())
      toast('success', 'Routes saved; the proxy uses them from the next request.');
  };
  return (
    <div
      className="card stack"
      // Pinned to the bottom of the window only while there is something to save.
      style={{ position: dirty ? 'sticky' : 'static', bottom: 12, gap: 8, zIndex: 2 }}
      aria-label="Save changes"
      role="region"
    >
      {changedElsewhere && (
        <div className="banner warn" role="alert">
          The routes changed outside this page (another window or a hand edit of the config) while
          you were editing. Your edits are kept; saving replaces those changes, discarding loads
          them.
        </div>
      )}
      <ProblemList
        tone="bad"
        alert
        title="The engine did not take these routes:"
        problems={saveProblems}
      />
      <div className="row spread">
        <SaveStatus
          dirty={dirty}
          unsaved="Unsaved changes"
          saved="All changes saved"
          problems={props.problems}
          noun={['problem', 'problems']}
        />
        <span className="row">
          {confirmDiscard ? (
            <>
              <span>Throw away your unsaved edits?</span>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  useStore.getState().discardDraft();
                  setConfirmDiscard(false);
                }}
              >
                Discard edits
              </button>
              <button type="button" onClick={() => setConfirmDiscard(false)}>
                Keep editing
              </button>
            </>
          ) : (
            <button
              type="button"
              disabled={!dirty || saving}
              onClick={() => setConfirmDiscard(true)}
            >
              Discard…
            </button>
          )}
          <button
            type="button"
            className="primary"
            disabled={!dirty || saving || props.problems > 0}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : 'Save routes'}
          </button>
        </span>
      </div>
    </div>
  );
}

/** The routes, the chain editor, per-route settings and a live preview of the plan. */
export function RoutesPage() {
  const now = useNow(1000);
  const routes = useStore((s) => s.draftRoutes);
  const saved = useStore((s) => s.savedRoutes);
  const state = useStore((s) => s.routesState);
  const error = useStore((s) => s.routesError);
  const catalog = useStore((s) => s.catalog);
  const keys = useStore((s) => s.keys);
  const limiterState = useStore((s) => s.limiterState);
  const spendByRoute = useStore((s) => s.spendByRoute);
  const detectSensitive = useStore((s) => s.settings?.detectSensitive ?? false);
  const setDraft = useStore((s) => s.setDraftRoutes);
  const updateRoute = useStore((s) => s.updateDraftRoute);
  const [selected, setSelected] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (selected >= routes.length && routes.length > 0) setSelected(routes.length - 1);
  }, [routes.length, selected]);

  const problems = validateRoutes(routes, keys);
  const problemCount = problems.filter(hasProblems).length;
  const route = routes[selected];
  const routeProblems = problems[selected];

  const addRoute = () => {
    const name = freshRouteName(routes);
    setDraft([...routes, { name, targets: [], onLimit: { mode: 'spill' }, privacy: 'standard' }]);
    setSelected(routes.length);
  };

  if (state === 'loading' || state === 'idle') {
    return <Skeleton height={420} label="Loading routes" />;
  }

  return (
    <div className="stack">
      <PageHeader
        title="Routes"
        intro="A route is a model name for your tools, answered by a chain of provider models in order."
      >
        <button type="button" onClick={addRoute}>
          New route
        </button>
      </PageHeader>
      {error !== null && (
        <ErrorBanner message={error} onRetry={() => void useStore.getState().loadRoutes()} />
      )}
      {saved.length > 0 && (
        <section className="card" aria-label="Other model names">
          <DefaultRouteField />
        </section>
      )}
      {routes.length === 0 ? (
        <EmptyState
          title="No routes yet"
          action={
            <button type="button" className="primary" onClick={addRoute}>
              Draw your first route
            </button>
          }
        >
          {keys.length === 0 ? (
            <>
              Start by <a href={hrefFor('providers')}>adding a provider key</a>, then draw a chain:
              free tiers first, paid keys last.
            </>
          ) : (
            'Draw a chain of models: free tiers first, paid keys last. Tools then ask for the route by name.'
          )}
        </EmptyState>
      ) : null}
      {routes.length === 0 && saved.length > 0 && <SaveBar problems={0} />}
      {routes.length === 0 ? null : (
        <>
          <nav aria-label="Routes">
            <ul className="route-tabs">
              {routes.map((r, i) => {
                const isNew = !saved.some((x) => x.name === r.name);
                return (
                  <li key={i}>
                    <button
                      type="button"
                      aria-current={i === selected}
                      onClick={() => setSelected(i)}
                    >
                      <span className="mono">{r.name || '(no name)'}</span>
                      <span className="small muted">
                        {r.targets.length} {r.targets.length === 1 ? 'target' : 'targets'}
                      </span>
                      {hasProblems(problems[i] ?? { target: {}, alias: {}, other: [] }) && (
                        <span className="pill bad" aria-label="has problems">
                          !
                        </span>
                      )}
                      {isNew && <span className="pill info">new</span>}
                    </button>
                  </li>
                );
              })}
            </ul>
          </nav>
          {route !== undefined && routeProblems !== undefined && (
            <>
              <section className="card stack" aria-label={`Route ${route.name}`}>
                <div className="row spread">
                  <h2>
                    Route <span className="mono">{route.name}</span>
                  </h2>
                  {routeProblems.targets !== undefined && (
                    <span className="field-error">{routeProblems.targets}</span>
                  )}
                  {confirmDelete ? (
                    <span className="row">
                      <span>Delete this route? (Saved only when you save.)</span>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => {
                          setDraft(routes.filter((_, i) => i !== selected));
                          setSelected(Math.max(0, selected - 1));
                          setConfirmDelete(false);
                        }}
                      >
                        Delete route
                      </button>
                      <button type="button" onClick={() => setConfirmDelete(false)}>
                        Keep it
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
                      Delete…
                    </button>
                  )}
                </div>
                <ModelWatchBanner route={route.name} />
                <ChainEditor
                  targets={route.targets}
                  catalog={catalog}
                  keys={keys}
                  targetErrors={routeProblems.target}
                  onChange={(targets) => updateRoute(selected, (r) => ({ ...r, targets }))}
                  below={
                    catalog !== null && (
                      <PlanPreview
                        route={route}
                        catalog={catalog}
                        keys={keys}
                        limiter={limiterState}
                        paidSpendTodayUsd={spendByRoute[route.name] ?? 0}
                        detectSensitive={detectSensitive}
                        now={now}
                      />
                    )
                  }
                />
              </section>
              <section className="card stack" aria-label="Route settings">
                <h3>Settings</h3>
                <RouteSettings
                  route={route}
                  problems={routeProblems}
                  onChange={(next) => updateRoute(selected, () => next)}
                />
              </section>
              <SaveBar problems={problemCount} />
            </>
          )}
        </>
      )}
      {saved.length > 0 && <RulesSection />}
    </div>
  );
}
