import { PageHeader } from '../components/PageHeader.tsx';
import { ProblemList } from '../components/ProblemList.tsx';
import { figures, TableHead } from '../components/TableHead.tsx';
import { CatalogInForce, FiguresAge } from '../components/CatalogAge.tsx';
import { useId, useState } from 'react';
import type { Provider } from '../../../app/catalog/schema.ts';
import { describeError } from '../api/client.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { ExternalLink } from '../components/ExternalLink.tsx';
import { AddKeyForm } from '../components/AddKeyForm.tsx';
import { ImportKeys } from '../components/ImportKeys.tsx';
import { CustomProviderForm } from '../components/CustomProviderForm.tsx';
import { KeyRow } from '../components/KeyRow.tsx';
import { PolicyBadges } from '../components/PolicyBadge.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { formatCount } from '../lib/format.ts';
import { providerColor } from '../lib/providerColor.ts';
import { sourceFor } from '../lib/sources.ts';
import { useStore } from '../store/index.ts';

function resetText(provider: Provider): string {
  const reset = provider.freeTier?.reset;
  if (!reset) return '';
  switch (reset.kind) {
    case 'daily':
      return `Resets daily at ${reset.time ?? '?'} ${reset.timeZone ?? ''}`.trim();
    case 'monthly':
      return 'Resets monthly';
    case 'rolling':
      return 'Rolling window';
    case 'none':
      return 'No quota to reset';
    default:
      return 'Reset time not published';
  }
}

function limitsText(limits: NonNullable<Provider['models'][number]['limits']>): string {
  const parts: string[] = [];
  if (limits.rpm !== undefined) parts.push(`${formatCount(limits.rpm)} req/min`);
  if (limits.rpd !== undefined) parts.push(`${formatCount(limits.rpd)} req/day`);
  if (limits.tpm !== undefined) parts.push(`${formatCount(limits.tpm)} tok/min`);
  if (limits.tpd !== undefined) parts.push(`${formatCount(limits.tpd)} tok/day`);
  return parts.join(' · ');
}

function SourceLink(props: { provider: Provider; field: string }) {
  const source = sourceFor(props.provider.sources, props.field);
  if (!source) return <span className="small muted">no source on file</span>;
  return (
    <ExternalLink href={source.url} className="small">
      source, checked {source.checked}
      {source.note !== undefined ? ` (${source.note})` : ''}
    </ExternalLink>
  );
}

function ProviderCard(props: { provider: Provider; isCustom: boolean }) {
  const p = props.provider;
  const keys = useStore((s) => s.keys);
  const mine = keys.filter((k) => k.provider === p.id);
  const deleteProvider = useStore((s) => s.deleteProvider);
  const toast = useStore((s) => s.toast);
  const [adding, setAdding] = useState(false);
  const freeModels = p.models.filter((m) => m.free);
  return (
    <section
      className="card provider-card"
      aria-labelledby={`provider-${p.id}`}
      data-testid={`provider-${p.id}`}
    >
      <div className="row spread">
        <div className="row">
          <span
            className="swatch"
            style={{ background: providerColor(p.id), width: 14, height: 14 }}
            aria-hidden="true"
          />
          <h2 id={`provider-${p.id}`}>{p.name}</h2>
          <span className="muted small mono">{p.id}</span>
          {p.local && <span className="pill info">local</span>}
          {props.isCustom && <span className="pill parked">custom</span>}
          <span className="pill outline">{p.format} format</span>
          <FiguresAge provider={p} />
        </div>
        <div className="row">
          {p.keyUrl !== undefined && (
            <ExternalLink href={p.keyUrl} className="small">
              Get a key
            </ExternalLink>
          )}
          <button
            type="button"
            className="small"
            onClick={() => setAdding((a) => !a)}
            aria-expanded={adding}
          >
            {adding ? 'Close' : 'Add key'}
          </button>
          {props.isCustom && (
            <button
              type="button"
              className="small danger"
              onClick={() =>
                void deleteProvider(p.id).then(
                  () => toast('info', `Custom provider "${p.name}" removed.`),
                  (err: unknown) => toast('error', describeError(err)),
                )
              }
            >
              Remove provider
            </button>
          )}
        </div>
      </div>
      <PolicyBadges policy={p.dataPolicy} sources={p.sources} />
      {p.freeTier !== undefined ? (
        <div className="small">
          <strong>Free tier:</strong> {p.freeTier.description}{' '}
          <span className="muted">
            {resetText(p)}
            {p.freeTier.scope !== undefined ? `; counted per ${p.freeTier.scope}` : ''}.
          </span>{' '}
          <SourceLink provider={p} field="freeTier" />
        </div>
      ) : (
        <div className="small muted">
          No standing free tier is known{p.local ? ' (runs on this machine)' : ''}.
        </div>
      )}
      {p.models.length > 0 && (
        <details>
          <summary>
            {p.models.length} models
            {freeModels.length > 0 ? `, ${freeModels.length} on the free tier` : ''}
          </summary>
          <table>
            <TableHead
              columns={['Model', 'Free-tier limits', ...figures('Context', '$/M tokens in / out')]}
            />
            <tbody>
              {p.models.map((m) => (
                <tr key={m.id}>
                  <td className="mono small">
                    {m.id}
                    {m.kind === 'embedding' ? ' (embeddings)' : ''}
                  </td>
                  <td className="small">
                    {m.free
                      ? m.limits
                        ? limitsText(m.limits)
                        : 'free, limits not published'
                      : 'paid only'}
                  </td>
                  <td className="num small">
                    {m.contextWindow !== undefined ? formatCount(m.contextWindow) : '–'}
                  </td>
                  <td className="num small">
                    {m.pricePerMTokIn !== undefined
                      ? `$${m.pricePerMTokIn} / $${m.pricePerMTokOut ?? '?'}`
                      : 'unknown'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <SourceLink provider={p} field="models.*.limits" />
        </details>
      )}
      {mine.length > 0 && (
        <ul aria-label={`${p.name} keys`} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {mine.map((k) => (
            <KeyRow key={k.id} keyView={k} />
          ))}
        </ul>
      )}
      {adding && (
        <div className="card" style={{ boxShadow: 'none', background: 'var(--surface-2)' }}>
          <AddKeyForm providers={[p]} initialProvider={p.id} />
        </div>
      )}
    </section>
  );
}

/** The catalog with what each provider does with prompts, and the keys to reach them. */
export function ProvidersPage() {
  const catalog = useStore((s) => s.catalog);
  const catalogError = useStore((s) => s.catalogError);
  const problems = useStore((s) => s.catalogProblems);
  const overrides = useStore((s) => s.overrides);
  const keys = useStore((s) => s.keys);
  const keychain = useStore((s) => s.keychain);
  const searchId = useId();
  const [search, setSearch] = useState('');
  const [withKeysOnly, setWithKeysOnly] = useState(false);

  const providers = (catalog?.providers ?? []).filter((p) => p.template !== true);
  const hasKey = (p: Provider) => keys.some((k) => k.provider === p.id);
  const needle = search.trim().toLowerCase();
  const shown = providers
    .filter((p) => needle === '' || p.name.toLowerCase().includes(needle) || p.id.includes(needle))
    .filter((p) => !withKeysOnly || hasKey(p))
    .sort((a, b) => Number(hasKey(b)) - Number(hasKey(a)) || a.name.localeCompare(b.name));

  return (
    <div className="stack">
      <PageHeader
        title="Providers & keys"
        intro="What each provider does with your prompts, its free tier, and your keys for it."
      >
        {keychain !== null && (
          <span
            className={`pill ${keychain.state === 'ok' ? 'ok' : 'warn'}`}
            title={keychain.message}
          >
            Keychain ({keychain.backend}): {keychain.state === 'ok' ? 'ready' : keychain.state}
          </span>
        )}
      </PageHeader>
      {keychain !== null && keychain.state !== 'ok' && (
        <div className="banner warn" role="alert">
          {keychain.message}
        </div>
      )}
      {catalogError !== null && (
        <ErrorBanner
          message={catalogError}
          onRetry={() => void useStore.getState().loadCatalog()}
        />
      )}
      <ProblemList
        tone="warn"
        title="Some provider settings in your config could not be applied:"
        problems={problems}
      />
      <section className="card stack" aria-labelledby="add-key-title">
        <h2 id="add-key-title">Add a key</h2>
        {catalog === null ? <Skeleton height={120} /> : <AddKeyForm providers={providers} />}
        <details>
          <summary>Import keys from environment variables</summary>
          <div style={{ marginTop: 10 }}>
            <ImportKeys providers={providers} />
          </div>
        </details>
        <details>
          <summary>Add a custom OpenAI-compatible provider</summary>
          <div style={{ marginTop: 10 }}>
            <CustomProviderForm />
          </div>
        </details>
      </section>
      <div className="row spread">
        <h2>Catalog</h2>
        <div className="row">
          <label htmlFor={searchId} className="inline">
            Find
            <input
              id={searchId}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="name or id"
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={withKeysOnly}
              onChange={(e) => setWithKeysOnly(e.target.checked)}
            />
            Only providers with keys
          </label>
        </div>
      </div>
      {catalog !== null && <CatalogInForce catalog={catalog} />}
      {catalog === null ? (
        catalogError === null && <Skeleton height={170} count={4} label="Loading the catalog" />
      ) : shown.length === 0 ? (
        <EmptyState title="No provider matches">
          Clear the search, or untick "Only providers with keys".
        </EmptyState>
      ) : (
        <div className="stack">
          {shown.map((p) => (
            <ProviderCard key={p.id} provider={p} isCustom={overrides[p.id]?.custom === true} />
          ))}
        </div>
      )}
    </div>
  );
}
