/**
 * Request bodies shaped like a coding agent's, for the body-decoding bench and the shape checks'
 * tests: a Claude Code Messages body (its fields and block kinds as Claude Code 2.1 sends them to
 * the conformance tests' upstream: system blocks with cache_control, its tools with JSON schemas,
 * mid-conversation system messages, turns of thinking, text, tool_use and tool_result blocks,
 * now and then an image; adaptive thinking, output_config, context_management), an
 * agent's Chat Completions body (function tools, assistant tool calls, tool messages, content
 * parts), a Codex-like Responses body and a Gemini CLI generateContent body. `turns` is the
 * number of messages (items for Responses, contents for Gemini); the text is deterministic
 * filler of about the sizes those agents send.
 */

const PROSE =
  'The function reads the config, resolves each route and returns the first target whose limiter admits the request. ';
const text = (chars: number) => PROSE.repeat(Math.ceil(chars / PROSE.length)).slice(0, chars);
const png =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='.repeat(
    40,
  );

type Schema = Record<string, unknown>;

/** A tool's input schema as Claude Code sends them (JSON Schema 2020-12, closed objects). */
function inputSchema(index: number): Schema {
  return {
    type: 'object',
    properties: {
      file_path: { type: 'string', description: `The absolute path to the file (${index})` },
      command: { type: 'string', description: text(160) },
      timeout: { type: 'number', description: 'Optional timeout in milliseconds (max 600000)' },
      mode: { type: 'string', enum: ['content', 'files_with_matches', 'count'] },
      todos: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            content: { type: 'string', minLength: 1 },
            status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
            activeForm: { type: 'string', minLength: 1 },
          },
          required: ['content', 'status', 'activeForm'],
          additionalProperties: false,
        },
      },
    },
    required: ['file_path'],
    additionalProperties: false,
    $schema: 'https://json-schema.org/draft/2020-12/schema',
  };
}

const TOOL_NAMES = [
  'Task',
  'Bash',
  'Glob',
  'Grep',
  'ExitPlanMode',
  'Read',
  'Edit',
  'MultiEdit',
  'Write',
  'NotebookEdit',
  'WebFetch',
  'TodoWrite',
  'WebSearch',
  'BashOutput',
  'KillShell',
  'SlashCommand',
];
/** Claude Code's own tools, then MCP servers' (`mcp__server__tool`): 30 in all. */
const toolNames = [
  ...TOOL_NAMES,
  ...Array.from({ length: 14 }, (_, i) => `mcp__server${i % 3}__tool_${i}`),
];

/** A Claude Code `/v1/messages` body with `turns` messages. */
export function claudeCodeBody(turns: number): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  for (let i = 0; i < turns; i++) {
    const id = `toolu_01${String(i).padStart(22, 'A')}`;
    if (i === 0) {
      messages.push({
        role: 'user',
        content: [
          { type: 'text', text: `<system-reminder>${text(1500)}</system-reminder>` },
          { type: 'text', text: 'Fix the failing test in the limiter.' },
        ],
      });
    } else if (i % 50 === 1) {
      messages.push({ role: 'system', content: `# Environment\n${text(600)}` });
    } else if (i % 2 === 1) {
      const content: Record<string, unknown>[] = [];
      if (i % 6 === 1)
        content.push({ type: 'thinking', thinking: text(600), signature: `Eq${text(300)}` });
      if (i % 4 === 1) content.push({ type: 'text', text: text(200) });
      content.push({
        type: 'tool_use',
        id,
        name: toolNames[i % toolNames.length],
        input: { file_path: `/work/src/file${i}.ts`, command: 'npx vitest run test/limiter' },
      });
      messages.push({ role: 'assistant', content });
    } else {
      const previous = `toolu_01${String(i - 1).padStart(22, 'A')}`;
      const result =
        i % 20 === 0
          ? {
              type: 'tool_result',
              tool_use_id: previous,
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
              ],
            }
          : i % 10 === 4
            ? {
                type: 'tool_result',
                tool_use_id: previous,
                content: [{ type: 'text', text: text(1200) }],
                is_error: true,
              }
            : { type: 'tool_result', tool_use_id: previous, content: text(1400) };
      const content: Record<string, unknown>[] = [result];
      if (i === turns - 1)
        content.push({ type: 'text', text: 'go on', cache_control: { type: 'ephemeral' } });
      messages.push({ role: 'user', content });
    }
  }
  return {
    model: 'claude-sonnet-4-5',
    messages,
    system: [
      {
        type: 'text',
        text: 'x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=sdk-cli',
      },
      {
        type: 'text',
        text: "You are Claude Code, Anthropic's official CLI for Claude.",
        cache_control: { type: 'ephemeral' },
      },
      { type: 'text', text: text(12000), cache_control: { type: 'ephemeral' } },
    ],
    tools: toolNames.map((name, i) => ({
      name,
      description: text(i < TOOL_NAMES.length ? 2500 : 300),
      input_schema: inputSchema(i),
    })),
    metadata: {
      user_id: 'user_0123456789abcdef_account__session_0f3c2a1e-8a4b-4c55-9e1d-3b2f5c6d7e8f',
    },
    max_tokens: 64000,
    thinking: { type: 'adaptive', display: 'omitted' },
    output_config: { effort: 'medium' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    stream: true,
  };
}

const functionTool = (name: string, i: number) => ({
  type: 'function',
  function: { name, description: text(400), parameters: inputSchema(i) },
});

/** An agent's `/v1/chat/completions` body (Cline, opencode and the like) with `turns` messages. */
export function agentChatBody(turns: number): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: text(8000) }];
  for (let i = 1; i < turns; i++) {
    const id = `call_${i}`;
    if (i === 1)
      messages.push({
        role: 'user',
        content: [
          { type: 'text', text: 'Fix the failing test in the limiter.' },
          { type: 'text', text: `<environment_details>${text(1200)}</environment_details>` },
        ],
      });
    else if (i % 2 === 0)
      messages.push({
        role: 'assistant',
        content: i % 4 === 0 ? text(200) : null,
        tool_calls: [
          {
            id,
            type: 'function',
            function: {
              name: toolNames[i % 12],
              arguments: JSON.stringify({ file_path: `/work/src/file${i}.ts` }),
            },
          },
        ],
      });
    else messages.push({ role: 'tool', tool_call_id: `call_${i - 1}`, content: text(1400) });
  }
  return {
    model: 'gpt-4.1',
    messages,
    tools: toolNames.slice(0, 20).map(functionTool),
    tool_choice: 'auto',
    parallel_tool_calls: false,
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0,
  };
}

/** A Codex-like `/v1/responses` body with `turns` input items. */
export function agentResponsesBody(turns: number): Record<string, unknown> {
  const input: Record<string, unknown>[] = [];
  for (let i = 0; i < turns; i++) {
    if (i === 0)
      input.push({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Fix the failing test in the limiter.' }],
      });
    else if (i % 3 === 1)
      input.push({ type: 'reasoning', summary: [], encrypted_content: text(800) });
    else if (i % 3 === 2)
      input.push({
        type: 'function_call',
        call_id: `call_${i}`,
        name: 'shell',
        arguments: JSON.stringify({ command: ['bash', '-lc', 'npx vitest run'] }),
      });
    else input.push({ type: 'function_call_output', call_id: `call_${i - 1}`, output: text(1400) });
  }
  return {
    model: 'gpt-5-codex',
    instructions: text(8000),
    input,
    tools: toolNames.slice(0, 12).map((name, i) => ({
      type: 'function',
      name,
      description: text(400),
      parameters: inputSchema(i),
      strict: false,
    })),
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '0f3c2a1e-8a4b-4c55-9e1d-3b2f5c6d7e8f',
  };
}

/** Gemini CLI's own tools (0.61), each declared with a JSON Schema (`parametersJsonSchema`). */
const GEMINI_TOOLS = [
  'update_topic',
  'list_directory',
  'read_file',
  'grep_search',
  'glob',
  'replace',
  'write_file',
  'web_fetch',
  'run_shell_command',
  'list_background_processes',
  'read_background_output',
  'google_web_search',
  'write_todos',
  'enter_plan_mode',
  'invoke_agent',
  'activate_skill',
];

/** A tool's `parametersJsonSchema` as Gemini CLI declares them (open objects, no `$schema`). */
const geminiParameters = (index: number): Schema => ({
  type: 'object',
  properties: {
    command: {
      type: 'string',
      description: 'Exact bash command to execute as `bash -c <command>`',
    },
    description: { type: 'string', description: text(160) },
    dir_path: { type: 'string', description: `(OPTIONAL) The directory to run it in (${index}).` },
    is_background: { type: 'boolean', description: text(240) },
    delay_ms: { type: 'integer', description: 'Optional. Delay in milliseconds.', minimum: 0 },
    ignore: { type: 'array', items: { type: 'string' }, description: 'Glob patterns to ignore' },
  },
  required: ['command'],
});

/**
 * A Gemini CLI `streamGenerateContent` body with `turns` contents, its fields and part kinds as
 * Gemini CLI 0.61 sent them to a capturing upstream: the session context and prompt as text
 * parts, model turns of a function call (with its id and a `thoughtSignature`), now and then
 * text before it, user turns of a function response; a system instruction of one text part with
 * a role, 16 tools in one `functionDeclarations`, `generationConfig` with `topK` and a
 * `thinkingConfig`. Now and then a thought part (Gemini CLI drops them from the history it
 * sends; @google/genai callers keep them) and an image read by a tool (an `inlineData` part).
 */
export function geminiCliBody(turns: number): Record<string, unknown> {
  const contents: Record<string, unknown>[] = [];
  for (let i = 0; i < turns; i++) {
    const id = `run_shell_command_17964703469${String(i).padStart(2, '0')}_0`;
    if (i === 0) {
      contents.push({
        parts: [
          { text: `<session_context>\n${text(600)}\n</session_context>` },
          { text: 'Fix the failing test in the limiter.' },
        ],
        role: 'user',
      });
    } else if (i % 2 === 1) {
      const parts: Record<string, unknown>[] = [];
      if (i % 6 === 1) parts.push({ text: text(600), thought: true });
      if (i % 4 === 1) parts.push({ text: text(200) });
      parts.push({
        functionCall: {
          id,
          args: { command: 'npx vitest run test/limiter', description: 'Run the tests' },
          name: GEMINI_TOOLS[i % GEMINI_TOOLS.length],
        },
        thoughtSignature: `Cq${text(300)}`,
      });
      contents.push({ parts, role: 'model' });
    } else {
      const previous = `run_shell_command_17964703469${String(i - 1).padStart(2, '0')}_0`;
      const name = GEMINI_TOOLS[(i - 1) % GEMINI_TOOLS.length];
      const parts: Record<string, unknown>[] =
        i % 20 === 0
          ? [
              { functionResponse: { name, response: { output: 'Binary content' }, id: previous } },
              { inlineData: { mimeType: 'image/png', data: png } },
            ]
          : [{ functionResponse: { name, response: { output: text(1400) }, id: previous } }];
      if (i === turns - 1) parts.push({ text: 'go on' });
      contents.push({ parts, role: 'user' });
    }
  }
  return {
    contents,
    systemInstruction: { parts: [{ text: text(23000) }], role: 'user' },
    tools: [
      {
        functionDeclarations: GEMINI_TOOLS.map((name, i) => ({
          name,
          description: text(i % 4 === 0 ? 1500 : 300),
          parametersJsonSchema: geminiParameters(i),
        })),
      },
    ],
    generationConfig: {
      temperature: 1,
      topP: 0.95,
      topK: 64,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 },
    },
  };
}

/** What each agent load sends: its body, and the path it goes to (Gemini's names the route). */
const LOADS: Record<string, { path: string; make: (turns: number) => Record<string, unknown> }> = {
  claudeCode: { path: '/v1/messages', make: claudeCodeBody },
  chat: { path: '/v1/chat/completions', make: agentChatBody },
  gemini: { path: '/v1beta/models/bench:generateContent', make: geminiCliBody },
};

/**
 * A proxy bench's load of agent bodies, from its spec: `claudeCode:N` (Claude Code's body of N
 * messages to /v1/messages), `chat:N` (an agent's to /v1/chat/completions) or `gemini:N` (Gemini
 * CLI's to generateContent), for the route `bench`, not streamed; undefined for no spec.
 */
export function agentLoad(spec: string | undefined): { path: string; body: string } | undefined {
  if (spec === undefined || spec === '') return undefined;
  const [kind, turns] = spec.split(':');
  const load = LOADS[kind ?? ''];
  if (load === undefined || !(Number(turns) > 0))
    throw new Error(`${spec}: not an agent load (claudeCode:N, chat:N or gemini:N)`);
  const body = load.make(Number(turns));
  // Gemini's path names the model and the method says whether it streams.
  const sent = kind === 'gemini' ? body : { ...body, model: 'bench', stream: false };
  return { path: load.path, body: JSON.stringify(sent) };
}
