import { useId, useState } from 'react';
import type { RuleTestResult } from '../../../app/admin/types.ts';
import { RuleWhenSchema, type Route, type Rule } from '../../../app/config/schema.ts';
import { call, describeError } from '../api/client.ts';
import { useStore } from '../store/index.ts';
import { Alert } from './Alert.tsx';
import { Select } from './Select.tsx';

const FORMATS = RuleWhenSchema.shape.format.unwrap().options;
type Format = (typeof FORMATS)[number];

const SAMPLE = JSON.stringify(
  {
    model: 'claude-haiku-4-5',
    max_tokens: 512,
    messages: [{ role: 'user', content: 'Write a 5-word title for this conversation' }],
  },
  null,
  2,
);

/**
 * Paste a request (or pick one from the log) and see which rule takes it and the plan it
 * would get now: the engine answers with its own functions on the draft rules and routes.
 */
export function RuleTester(props: { rules: readonly Rule[]; routes: readonly Route[] }) {
  const ids = { body: useId(), format: useId(), agent: useId(), pick: useId() };
  const requests = useStore((s) => s.requests);
  const [text, setText] = useState(SAMPLE);
  const [format, setFormat] = useState<Format>('anthropic');
  const [agent, setAgent] = useState('claude-cli/2.0.14 (external, cli)');
  const [result, setResult] = useState<RuleTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const pick = async (id: string) => {
    const item = requests.find((r) => r.id === id);
    if (item === undefined) return;
    setFormat(FORMATS.find((f) => f === item.inboundFormat) ?? 'openai');
    try {
      const detail = await call('getRequest', undefined, { params: { id } });
      const body = detail.request.requestBody;
      setText(
        body ??
          JSON.stringify(
            {
              model: item.requestedModel,
              stream: item.streamed,
              messages: [{ role: 'user', content: '…' }],
            },
            null,
            2,
          ),
      );
      setError(
        body === undefined
          ? 'The log keeps no bodies (Settings: store bodies); the model name was filled in.'
          : null,
      );
    } catch (err) {
      setError(describeError(err));
    }
  };

  const run = async () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      setError(`The request is not valid JSON: ${(err as Error).message}`);
      return;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      setError('The request must be a JSON object, as a client sends it.');
      return;
    }
    try {
      setResult(
        await call('testRules', {
          body: body as Record<string, unknown>,
          format,
          ...(agent !== '' ? { userAgent: agent } : {}),
          rules: [...props.rules],
          routes: [...props.routes],
        }),
      );
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section className="stack" aria-label="Rule tester" style={{ gap: 8 }}>
      <h3>Test a request</h3>
      <div className="row">
        <label htmlFor={ids.pick} className="inline">
          From the log
          <Select
            id={ids.pick}
            value=""
            choices={[
              { value: '', label: 'choose a request…' },
              ...requests.slice(0, 30).map((r) => ({
                value: r.id,
                label: `${r.requestedModel} → ${r.route ?? 'direct'} (${r.inboundFormat})`,
              })),
            ]}
            onChange={(id) => void pick(id)}
          />
        </label>
        <label htmlFor={ids.format} className="inline">
          Format
          <Select id={ids.format} value={format} choices={FORMATS} onChange={setFormat} />
        </label>
        <label htmlFor={ids.agent} className="inline">
          User agent
          <input
            id={ids.agent}
            className="mono"
            value={agent}
            onChange={(e) => setAgent(e.target.value)}
          />
        </label>
      </div>
      <label htmlFor={ids.body}>Request body (JSON)</label>
      <textarea
        id={ids.body}
        className="mono"
        rows={8}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row">
        <button type="button" onClick={() => void run()}>
          Test request
        </button>
      </div>
      <Alert message={error} className="banner warn" />
      {result !== null && (
        <div className="stack" data-testid="rule-test-result" aria-live="polite" style={{ gap: 6 }}>
          <div>
            {result.error !== null
              ? result.error
              : result.via === 'rule'
                ? `Rule "${result.rule}" sends it to route "${result.route}".`
                : result.via === 'header'
                  ? `x-switchyard-route forces route "${result.route}".`
                  : `No rule matches: the model name takes it to ${result.route === null ? 'a provider directly' : `route "${result.route}"`}.`}
          </div>
          <div className="small muted">
            about {result.shape.promptTokens} prompt tokens
            {result.shape.hasTools ? ', tools' : ''}
            {result.shape.hasImages ? ', images' : ''}
            {result.shape.thinking ? ', thinking' : ''}
            {result.shape.stream ? ', streamed' : ''}
          </div>
          <ol className="plan-list" aria-label="Plan for the tested request">
            {result.candidates.map((c, i) => (
              <li
                key={`c${i}`}
                className={`plan-item${i === 0 ? ' serves' : ''}`}
                data-testid="rule-test-row"
              >
                <div>
                  {c.provider} · {c.model}
                  {c.keyId !== null ? ` · ${c.keyId}` : ''}
                </div>
                <span className={`pill ${i === 0 ? 'ok' : 'outline'}`}>
                  {i === 0 ? 'serves now' : `next, #${i + 1}`}
                </span>
              </li>
            ))}
            {result.skipped.map((s, i) => (
              <li key={`s${i}`} className="plan-item skipped" data-testid="rule-test-row">
                <div>
                  <div>
                    {s.provider} · {s.model}
                    {s.keyId !== null ? ` · ${s.keyId}` : ''}
                  </div>
                  <div className="small muted">{s.message}</div>
                </div>
                <span className="pill neutral">{s.reason}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
