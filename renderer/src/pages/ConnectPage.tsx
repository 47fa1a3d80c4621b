import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { TestRequestResult } from '../../../app/admin/types.ts';
import { call } from '../api/client.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Select } from '../components/Select.tsx';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { StatusCode } from '../components/StatusCode.tsx';
import { formatMs } from '../lib/format.ts';
import { hrefFor } from '../lib/hashRoute.ts';
import { useBusy } from '../lib/useBusy.ts';
import {
  claudeCodeLanding,
  claudeCodeRoutes,
  describeLanding,
  type RoutingFacts,
} from '../lib/claudeCode.ts';
import {
  SNIPPETS,
  anthropicBase,
  maskKey,
  type Snippet,
  type SnippetInput,
} from '../lib/snippets.ts';
import { useStore } from '../store/index.ts';
import type { Rule } from '../../../app/config/schema.ts';
import { describeWhen, rulesFor } from '../lib/ruleForm.ts';
import { TOOL_SNIPPETS } from '../lib/toolSnippets.ts';
import { AllowedOriginsField } from '../components/AllowedOriginsField.tsx';

function SnippetCard(props: { snippet: Snippet; input: SnippetInput; children?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  const { snippet } = props;
  const real = snippet.text(props.input);
  // On screen the key is masked (screenshots, screen sharing); the copy carries the real one.
  const shown = snippet.text({ ...props.input, proxyKey: maskKey(props.input.proxyKey) });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(real);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="card stack" style={{ gap: 8 }} aria-labelledby={`snippet-${snippet.id}`}>
      <div className="row spread">
        <h3 id={`snippet-${snippet.id}`}>{snippet.title}</h3>
        <button
          type="button"
          className="small"
          onClick={() => void copy()}
          aria-label={`Copy the ${snippet.title} snippet`}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="small muted" style={{ margin: 0 }}>
        {snippet.where}
      </p>
      <pre className="snippet" data-language={snippet.language}>
        {shown}
      </pre>
      {props.children}
    </section>
  );
}

function TestRequest(props: { models: string[] }) {
  const ids = { model: useId(), prompt: useId() };
  const [model, setModel] = useState(props.models[0] ?? '');
  const [prompt, setPrompt] = useState('Say hello in five words.');
  const [result, setResult] = useState<TestRequestResult | null>(null);
  const { busy, error, run } = useBusy();
  const chosen = model === '' ? (props.models[0] ?? '') : model;
  const send = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      try {
        setResult(await call('testRequest', { model: chosen, prompt }));
      } catch (err) {
        // A failed test leaves no earlier answer beside its error.
        setResult(null);
        throw err;
      }
    });
  };
  return (
    <section className="card stack" aria-labelledby="test-title">
      <h2 id="test-title">Send a test request</h2>
      <form className="stack" onSubmit={send} style={{ gap: 10 }}>
        <div className="form-grid">
          <label htmlFor={ids.model}>
            Route
            <Select id={ids.model} value={chosen} choices={props.models} onChange={setModel} />
          </label>
        </div>
        <label htmlFor={ids.prompt}>
          Prompt
          <textarea
            id={ids.prompt}
            rows={2}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
          />
        </label>
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={busy || chosen === '' || prompt === ''}
          >
            {busy ? 'Sending…' : 'Send test request'}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {error !== null && <ErrorBanner message={error} />}
        {result !== null && (
          <div className={`banner ${result.ok ? 'info' : 'bad'}`} data-testid="test-result">
            <div className="stack" style={{ gap: 4 }}>
              <div className="row">
                <StatusCode status={result.status} />
                <span>
                  {result.ok ? 'Answered' : 'Failed'} in {formatMs(result.latencyMs)}
                  {result.provider !== null ? ` by ${result.provider}` : ''}
                  {result.model !== null ? ` (${result.model})` : ''}
                </span>
                {result.requestId !== null && (
                  <a href={hrefFor('requests', result.requestId)}>See it in the log</a>
                )}
              </div>
              <div>{result.text}</div>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

/** Where each of Claude Code's own model names lands, by the engine's own resolver. */
function ClaudeCodeLanding(props: { facts: RoutingFacts }) {
  return (
    <table className="small" aria-label="Where Claude Code's model names land">
      <caption className="muted" style={{ textAlign: 'left' }}>
        Without the model variables, Claude Code&apos;s own names land here:
      </caption>
      <tbody>
        {claudeCodeLanding(props.facts).map(({ name, match }) => (
          <tr key={name}>
            <th scope="row" className="mono" style={{ textAlign: 'left', fontWeight: 'normal' }}>
              {name}
            </th>
            <td className={match.kind === 'unknown' ? 'field-error' : undefined}>
              {describeLanding(match)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The rules that apply to a tool's requests, in a line under its snippet. */
function RulesNote(props: { rules: readonly Rule[] }) {
  if (props.rules.length === 0) return null;
  return (
    <p className="small muted" data-testid="snippet-rules">
      Rules that apply:{' '}
      {props.rules.map((r, i) => (
        <span key={r.name}>
          {i > 0 ? '; ' : ''}
          <strong>{r.name}</strong> ({describeWhen(r.when)} → {r.route})
        </span>
      ))}
    </p>
  );
}

/** Everything a tool needs to use the proxy: the URL, the key, and snippets per tool. */
export function ConnectPage() {
  const info = useStore((s) => s.proxyKey);
  const routes = useStore((s) => s.savedRoutes);
  const rules = useStore((s) => s.savedRules);
  const defaultRoute = useStore((s) => s.settings?.defaultRoute);
  const catalog = useStore((s) => s.catalog);
  const engineError = useStore((s) => s.engineError);
  const modelId = useId();
  const [model, setModel] = useState('');
  const routeNames = routes.map((r) => r.name);
  const chosen = model !== '' ? model : (routeNames[0] ?? 'fast');
  const facts: RoutingFacts = {
    routes,
    defaultRoute,
    isProvider: (id) => catalog?.providers.some((p) => p.id === id) ?? false,
  };

  return (
    <div className="stack">
      <PageHeader
        title="Connect"
        intro="Point any OpenAI-, Anthropic- or Gemini-compatible tool at Switchyard with these two values."
      />
      {info === null ? (
        engineError !== null ? null : (
          <Skeleton height={150} label="Loading the proxy address" />
        )
      ) : (
        <section className="card stack" aria-label="Proxy address and key">
          <div className="grid grid-2">
            <CopyField label="Base URL (OpenAI format)" value={info.proxyUrl} />
            <CopyField label="Base URL (Anthropic format)" value={anthropicBase(info.proxyUrl)} />
          </div>
          <CopyField label="Proxy key" value={info.proxyKey} masked />
          {info.source === 'ephemeral' && (
            <p className="small muted" style={{ margin: 0 }}>
              This key is new each time the engine starts, because no keychain was available to keep
              it. Set <code>SWITCHYARD_PROXY_KEY</code> to keep one key across restarts.
            </p>
          )}
        </section>
      )}

      {routeNames.length === 0 ? (
        <div className="banner info">
          <span>
            Tools ask for a model by name: a route you draw, or <code>provider/model</code>.{' '}
            <a href={hrefFor('routes')}>Draw a route first</a> so the snippets below have one.
          </span>
        </div>
      ) : (
        <div className="row">
          <label htmlFor={modelId} className="inline">
            Model in the snippets
            <Select id={modelId} value={chosen} choices={routeNames} onChange={setModel} />
          </label>
        </div>
      )}

      {routeNames.length > 0 && <TestRequest models={routeNames} />}

      {info !== null && (
        <div className="grid grid-2">
          {[...SNIPPETS, ...TOOL_SNIPPETS].map((snippet) => (
            <SnippetCard
              key={snippet.id}
              snippet={snippet}
              input={{
                proxyUrl: info.proxyUrl,
                proxyKey: info.proxyKey,
                model: chosen,
                claudeCode: claudeCodeRoutes(facts, chosen),
                routes: routeNames,
              }}
            >
              {snippet.id === 'claude-code' && <ClaudeCodeLanding facts={facts} />}
              <RulesNote rules={rulesFor(rules, snippet.userAgent)} />
            </SnippetCard>
          ))}
        </div>
      )}

      <AllowedOriginsField />
    </div>
  );
}
