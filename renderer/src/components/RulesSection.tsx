import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { useEffect, useRef, useState } from 'react';
import type { Rule } from '../../../app/config/schema.ts';
import { applyTemplate, ruleTemplates } from '../../../app/routing/ruleTemplates.ts';
import { call, describeError } from '../api/client.ts';
import { ruleErrors } from '../lib/ruleForm.ts';
import { useStore } from '../store/index.ts';
import { RuleItem } from './RuleItem.tsx';
import { RuleTester } from './RuleTester.tsx';
import { SaveStatus } from './SaveStatus.tsx';

/**
 * The Rules section of the Routes page: rules in the order they are tried, each condition a
 * field checked by the config schema as it is typed, reordered by mouse or keyboard, templates
 * to start from, a tester, and a save that writes rules (and a template's routes) at once.
 */
export function RulesSection() {
  const routes = useStore((s) => s.savedRoutes);
  const keys = useStore((s) => s.keys);
  const catalog = useStore((s) => s.catalog);
  const toast = useStore((s) => s.toast);
  const [saved, setSaved] = useState<Rule[] | null>(null);
  const [rules, setRules] = useState<Rule[]>([]);
  const [addedRoutes, setAddedRoutes] = useState(routes);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Stable ids for the sortable items while rules are renamed and moved.
  const idsRef = useRef<string[]>([]);
  const counter = useRef(0);
  const setAll = (next: Rule[], ids: string[]) => {
    idsRef.current = ids;
    setRules(next);
  };
  const fresh = () => `rule-${counter.current++}`;

  useEffect(() => {
    void call('getConfig').then(
      (config) => {
        setSaved(config.rules);
        setAll(config.rules, config.rules.map(fresh));
      },
      (err: unknown) => setProblem(describeError(err)),
    );
  }, []);
  useEffect(() => setAddedRoutes(routes), [routes]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = idsRef.current;
  const routeNames = addedRoutes.map((r) => r.name);
  const nameSet = new Set(routeNames);
  const errors = rules.map((r) => ruleErrors(r, nameSet));
  const problems = errors.filter((e) => Object.keys(e).length > 0).length;
  const dirty =
    saved !== null && (JSON.stringify(saved) !== JSON.stringify(rules) || addedRoutes !== routes);
  const templates =
    catalog === null ? [] : ruleTemplates(catalog, new Set(keys.map((k) => k.provider)));

  const nameAt = (id: string | number) => {
    const rule = rules[ids.indexOf(String(id))];
    return `rule ${rule?.name ?? ''}`;
  };
  const at = (id: string | number | undefined) =>
    `position ${ids.indexOf(String(id)) + 1} of ${ids.length}`;
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameAt(active.id)} at ${at(active.id)}.`,
    onDragOver: ({ active, over }) =>
      over && over.id !== active.id ? `${nameAt(active.id)} is over ${at(over.id)}.` : undefined,
    onDragEnd: ({ active, over }) =>
      over
        ? `Dropped ${nameAt(active.id)} at ${at(over.id)}.`
        : `${nameAt(active.id)} was not moved.`,
    onDragCancel: ({ active }) => `Cancelled. ${nameAt(active.id)} stays where it was.`,
  };
  const onDragEnd = (e: DragEndEvent) => {
    const from = ids.indexOf(String(e.active.id));
    const to = e.over ? ids.indexOf(String(e.over.id)) : -1;
    if (from === -1 || to === -1 || from === to) return;
    setAll(arrayMove(rules, from, to), arrayMove(ids, from, to));
  };

  const save = async () => {
    setSaving(true);
    try {
      const config = await call('getConfig');
      const next = await call('putConfig', { ...config, routes: addedRoutes, rules });
      setSaved(next.rules);
      setProblem(null);
      await useStore.getState().loadRoutes();
      toast('success', 'Rules saved; the proxy uses them from the next request.');
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="rules-title">
      <div className="row spread">
        <h2 id="rules-title">Rules</h2>
        <span className="row">
          {templates.map((t) => (
            <button
              key={t.id}
              type="button"
              title={t.description}
              onClick={() => {
                const merged = applyTemplate(t, addedRoutes, rules);
                setAddedRoutes(merged.routes);
                const kept = new Map(rules.map((r, i) => [r.name, ids[i] as string]));
                setAll(
                  merged.rules,
                  merged.rules.map((r) => kept.get(r.name) ?? fresh()),
                );
              }}
            >
              Template: {t.title}
            </button>
          ))}
          <button
            type="button"
            onClick={() =>
              setAll(
                [
                  ...rules,
                  { name: `rule ${rules.length + 1}`, when: {}, route: routeNames[0] ?? '' },
                ],
                [...ids, fresh()],
              )
            }
          >
            Add rule
          </button>
        </span>
      </div>
      <p className="small muted">
        Tried in order before the model name; the first rule whose conditions all hold picks the
        route. A request header <span className="mono">x-switchyard-route</span> overrides them.
      </p>
      {problem !== null && (
        <div className="banner bad" role="alert">
          {problem}
        </div>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{ announcements }}
      >
        <SortableContext items={ids} strategy={verticalListSortingStrategy}>
          <ol
            className="stack rule-list"
            aria-label="Rules in order"
            style={{ listStyle: 'none', padding: 0 }}
          >
            {rules.map((rule, i) => (
              <RuleItem
                key={ids[i]}
                id={ids[i] as string}
                index={i}
                count={rules.length}
                rule={rule}
                routeNames={routeNames}
                errors={errors[i] ?? {}}
                onChange={(next) =>
                  setAll(
                    rules.map((r, j) => (j === i ? next : r)),
                    ids,
                  )
                }
                onRemove={() =>
                  setAll(
                    rules.filter((_, j) => j !== i),
                    ids.filter((_, j) => j !== i),
                  )
                }
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <div className="row spread">
        <SaveStatus
          dirty={dirty}
          unsaved="Unsaved rules"
          saved="Rules saved"
          problems={problems}
          noun={['rule', 'rules']}
        />
        <button
          type="button"
          className="primary"
          disabled={!dirty || saving || problems > 0}
          onClick={() => void save()}
        >
          {saving ? 'Saving…' : 'Save rules'}
        </button>
      </div>
      <RuleTester rules={rules} routes={addedRoutes} />
    </section>
  );
}
