/**
 * Generated Messages bodies for property tests: mostly valid, each object now and then missing
 * one of its keys and each value now and then of another kind, so that a body reaches every
 * check the schema makes, deep in its blocks, and fails each of them in turn.
 */
import fc from 'fast-check';

type Fields = Record<string, fc.Arbitrary<unknown>>;

/** Values of every JSON kind, including the edges the schema's checks turn on. */
const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, 1, -1, 1.5, 2 ** 60, '', 'x', 'text', 'tool', [], {}, [
    [1],
  ]),
  fc.string({ maxLength: 3 }),
  fc.double(),
);

/** `valid`, or now and then a value of another kind. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 40, arbitrary: valid }, { weight: 1, arbitrary: scalar });

const str = mostly(fc.string({ maxLength: 3 }));
const flag = mostly(fc.boolean());
const number = fc.double({ noNaN: true, noDefaultInfinity: true });

/** An object with its required keys and some of its optional ones; one in thirty loses a key. */
function object(required: Fields, optional: Fields = {}): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(required), fc.record(optional, { requiredKeys: [] }), fc.nat(299))
    .map(([own, extra, roll]) => {
      const value: Record<string, unknown> = { ...own, ...extra };
      const keys = Object.keys(value);
      if (roll < 10 && keys.length > 0) delete value[keys[roll % keys.length] ?? ''];
      return value;
    });
}

const BLOCK_TYPES = ['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'x'];
/** A block's `type`: its own, now and then another block's or another kind of value. */
const typeOf = (own: string) =>
  fc.oneof(
    { weight: 60, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constantFrom(...BLOCK_TYPES, 'redacted_thinking') },
    { weight: 1, arbitrary: scalar },
  );

const cacheControl = mostly(fc.constantFrom(null, { type: 'ephemeral' }, { ttl: '1h' }));
const imageSource = fc.oneof(
  object({ type: typeOf('base64'), media_type: str, data: str }),
  object({ type: typeOf('url'), url: str }),
  object({ type: typeOf('file'), file_id: str }),
);
const text = object({ type: typeOf('text'), text: str }, { cache_control: cacheControl });
const image = object(
  { type: typeOf('image'), source: imageSource },
  { cache_control: cacheControl },
);
const document = object(
  {
    type: typeOf('document'),
    source: object({ type: str }, { media_type: str, data: str, url: str }),
  },
  { title: mostly(fc.constantFrom(null, 't')) },
);
const other = object({ type: typeOf('search_result') }, { anything: scalar });
const part = fc.oneof(text, image, document, other);
const block = fc.oneof(
  text,
  image,
  document,
  other,
  object({ type: typeOf('tool_use'), id: str, name: str, input: scalar }),
  object(
    { type: typeOf('tool_result'), tool_use_id: str },
    {
      content: mostly(fc.oneof(fc.string({ maxLength: 2 }), fc.array(part, { maxLength: 2 }))),
      is_error: flag,
    },
  ),
  object({ type: typeOf('thinking'), thinking: str, signature: str }),
  object({ type: typeOf('redacted_thinking'), data: str }),
);
const message = object({
  role: mostly(fc.constantFrom('user', 'assistant', 'system')),
  content: mostly(fc.oneof(fc.string({ maxLength: 2 }), fc.array(block, { maxLength: 3 }))),
});
const tool = object(
  { name: mostly(fc.constant('Bash')) },
  {
    type: mostly(fc.constantFrom(null, 'custom', 'bash_20250124')),
    description: str,
    input_schema: mostly(fc.constantFrom({}, { type: 'object' })),
  },
);
const toolChoice = fc.oneof(
  object({ type: typeOf('auto') }, { disable_parallel_tool_use: flag }),
  object({ type: typeOf('any') }, { disable_parallel_tool_use: flag }),
  object({ type: typeOf('tool'), name: str }, { disable_parallel_tool_use: flag }),
  object({ type: typeOf('none') }),
);

/** A `/v1/messages` (or token count) body with any of the fields the schema names, and one it does not. */
export const anthropicBody = object(
  {
    model: mostly(fc.constant('claude-x')),
    messages: mostly(fc.array(message, { minLength: 1, maxLength: 3 })),
    max_tokens: mostly(fc.constantFrom(1, 100, 100, 0)),
  },
  {
    system: mostly(
      fc.oneof(
        fc.string({ maxLength: 2 }),
        fc.array(fc.oneof({ weight: 10, arbitrary: text }, { weight: 1, arbitrary: part }), {
          maxLength: 2,
        }),
      ),
    ),
    tools: mostly(fc.array(tool, { maxLength: 2 })),
    tool_choice: mostly(toolChoice),
    stop_sequences: mostly(fc.array(str, { maxLength: 2 })),
    temperature: mostly(number),
    top_p: mostly(number),
    top_k: mostly(fc.integer()),
    stream: flag,
    metadata: mostly(object({}, { user_id: mostly(fc.constantFrom(null, 'u')) })),
    thinking: mostly(object({ type: str }, { budget_tokens: mostly(fc.integer()) })),
    extra: scalar,
  },
);
