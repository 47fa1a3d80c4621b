/**
 * Generated request bodies for the shape checks' property tests (Anthropic Messages, Chat
 * Completions, Gemini generateContent and countTokens): mostly valid, each object now and then missing one of its keys and each value
 * now and then of another kind, so that a body reaches every check the schema makes, deep in
 * its blocks and messages, and fails each of them in turn.
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

/** The `type`s and `role`s the schemas tell apart. */
const KINDS = [
  ...['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'],
  ...['image_url', 'input_audio', 'file', 'refusal', 'function', 'custom', 'allowed_tools'],
  ...['json_object', 'json_schema', 'system', 'developer', 'user', 'assistant', 'tool', 'x'],
];
/** A `type` (or `role`): its own, now and then another one or another kind of value. */
const typeOf = (own: string) =>
  fc.oneof(
    { weight: 60, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constantFrom(...KINDS) },
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

/** An optional field of Chat Completions: `.nullish()`, so now and then null. */
const nullish = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: fc.constant(null) });
const textPart = object({ type: typeOf('text'), text: str });
const textContent = mostly(
  fc.oneof(fc.string({ maxLength: 2 }), fc.array(textPart, { maxLength: 2 })),
);
const named = object({ name: str });
const userPart = fc.oneof(
  textPart,
  object({
    type: typeOf('image_url'),
    image_url: object(
      { url: mostly(fc.constantFrom('https://x', 'https://x', '')) },
      { detail: str },
    ),
  }),
  object({ type: typeOf('input_audio'), input_audio: object({ data: str, format: str }) }),
  object({
    type: typeOf('file'),
    file: object({}, { file_data: str, file_id: str, filename: str }),
  }),
);
const toolCall = object({
  id: str,
  type: typeOf('function'),
  function: object({ name: str, arguments: str }),
});
const chatMessage = fc.oneof(
  object({ role: typeOf('system'), content: textContent }, { name: str }),
  object({ role: typeOf('developer'), content: textContent }, { name: str }),
  object(
    {
      role: typeOf('user'),
      content: mostly(fc.oneof(fc.string({ maxLength: 2 }), fc.array(userPart, { maxLength: 2 }))),
    },
    { name: str },
  ),
  object(
    { role: typeOf('assistant') },
    {
      content: mostly(
        fc.oneof(
          fc.constant(null),
          fc.string({ maxLength: 2 }),
          fc.array(fc.oneof(textPart, object({ type: typeOf('refusal'), refusal: str })), {
            maxLength: 2,
          }),
        ),
      ),
      tool_calls: mostly(nullish(fc.array(toolCall, { maxLength: 2 }))),
      refusal: mostly(fc.constantFrom(null, 'no')),
      name: str,
    },
  ),
  object({ role: typeOf('tool'), content: textContent, tool_call_id: str }),
  object({ role: typeOf('function'), name: str, content: mostly(fc.constantFrom(null, 'x')) }),
);
const chatTool = fc.oneof(
  object({
    type: typeOf('function'),
    function: object(
      { name: mostly(fc.constantFrom('f', 'f', '')) },
      {
        description: str,
        parameters: mostly(fc.constantFrom({}, { type: 'object' })),
        strict: mostly(fc.constantFrom(null, true)),
      },
    ),
  }),
  object({ type: typeOf('custom'), custom: named }),
);
const namedFunction = object({ type: typeOf('function'), function: named });
const chatToolChoice = fc.oneof(
  fc.constantFrom('none', 'auto', 'required'),
  namedFunction,
  object({
    type: typeOf('allowed_tools'),
    allowed_tools: object({
      mode: mostly(fc.constantFrom('auto', 'required', 'any')),
      tools: mostly(fc.array(namedFunction, { maxLength: 2 })),
    }),
  }),
  object({ type: typeOf('custom'), custom: named }),
);
const responseFormat = fc.oneof(
  object({ type: typeOf('text') }),
  object({ type: typeOf('json_object') }),
  object({
    type: typeOf('json_schema'),
    json_schema: object(
      { name: str },
      {
        description: str,
        schema: mostly(fc.constant({})),
        strict: mostly(fc.constantFrom(null, false)),
      },
    ),
  }),
);
// A count of 0 (or -1, 1.5, 2 ** 60) comes from `scalar`.
const count = nullish(mostly(fc.constantFrom(1, 100)));

/** A `/v1/chat/completions` body with any of the fields the schema names, and one it does not. */
export const chatBody = object(
  {
    model: mostly(fc.constant('gpt-x')),
    messages: mostly(fc.array(chatMessage, { minLength: 1, maxLength: 3 })),
  },
  {
    stream: nullish(flag),
    stream_options: nullish(mostly(object({}, { include_usage: flag }))),
    max_tokens: count,
    max_completion_tokens: count,
    temperature: nullish(mostly(number)),
    top_p: nullish(mostly(number)),
    n: count,
    stop: nullish(mostly(fc.oneof(fc.string({ maxLength: 2 }), fc.array(str, { maxLength: 2 })))),
    tools: nullish(mostly(fc.array(chatTool, { maxLength: 2 }))),
    tool_choice: nullish(mostly(chatToolChoice)),
    parallel_tool_calls: nullish(flag),
    response_format: nullish(mostly(responseFormat)),
    user: nullish(str),
    seed: nullish(mostly(fc.integer())),
    presence_penalty: nullish(mostly(number)),
    frequency_penalty: nullish(mostly(number)),
    logprobs: nullish(flag),
    top_logprobs: nullish(mostly(fc.integer())),
    logit_bias: nullish(mostly(fc.dictionary(fc.constantFrom('1', '2'), mostly(number)))),
    reasoning_effort: nullish(str),
    extra: scalar,
  },
);

/** A part of a Gemini content, with any of the fields the schema names, and one it does not. */
const geminiCall = (data: string) =>
  object({ name: str }, { [data]: mostly(fc.constantFrom(null, {}, { a: 1 })), id: str });
const geminiPart = object(
  {},
  {
    text: str,
    thought: flag,
    thoughtSignature: str,
    functionCall: mostly(geminiCall('args')),
    functionResponse: mostly(geminiCall('response')),
    inlineData: mostly(object({ mimeType: str, data: str })),
    fileData: mostly(object({ fileUri: str }, { mimeType: str })),
    extra: scalar,
  },
);
const geminiParts = mostly(fc.array(geminiPart, { maxLength: 3 }));
/** A content: now and then without `parts`, which the schema fills in. */
const geminiContent = fc.oneof(
  { weight: 8, arbitrary: object({ parts: geminiParts }, { role: mostly(fc.constant('model')) }) },
  { weight: 1, arbitrary: object({}, { role: str }) },
);
const geminiContents = mostly(fc.array(geminiContent, { minLength: 1, maxLength: 3 }));
const declaration = object(
  { name: mostly(fc.constantFrom('f', 'f', '')) },
  {
    description: str,
    parameters: mostly(fc.constantFrom({}, { type: 'OBJECT' })),
    parametersJsonSchema: mostly(fc.constant({ type: 'object' })),
  },
);
const count1 = mostly(fc.constantFrom(1, 100, 0));

/** A Gemini generateContent body with any of the fields the schema names, and one it does not. */
export const geminiBody = object(
  { contents: geminiContents },
  {
    systemInstruction: mostly(
      fc.oneof(fc.string({ maxLength: 2 }), object({ parts: geminiParts }, { role: str })),
    ),
    tools: mostly(
      fc.array(
        object({}, { functionDeclarations: mostly(fc.array(declaration, { maxLength: 2 })) }),
        {
          maxLength: 2,
        },
      ),
    ),
    toolConfig: mostly(
      object(
        {},
        {
          functionCallingConfig: mostly(
            object(
              {},
              { mode: str, allowedFunctionNames: mostly(fc.array(str, { maxLength: 2 })) },
            ),
          ),
        },
      ),
    ),
    generationConfig: mostly(
      object(
        {},
        {
          temperature: mostly(number),
          topP: mostly(number),
          maxOutputTokens: count1,
          stopSequences: mostly(fc.array(str, { maxLength: 2 })),
          candidateCount: count1,
          seed: mostly(fc.integer()),
          presencePenalty: mostly(number),
          frequencyPenalty: mostly(number),
          responseMimeType: str,
          responseSchema: mostly(fc.constant({})),
          responseJsonSchema: mostly(fc.constant({})),
          thinkingConfig: scalar,
        },
      ),
    ),
    safetySettings: scalar,
  },
);

/** A Gemini countTokens body: contents, or a whole generateContent request. */
export const geminiCountBody = object(
  {},
  {
    contents: mostly(fc.array(geminiContent, { maxLength: 3 })),
    generateContentRequest: mostly(object({ contents: geminiContents })),
    extra: scalar,
  },
);
