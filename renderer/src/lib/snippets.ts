/**
 * What a snippet needs: where the proxy is, its key, and the model (a route) to ask for; for
 * Claude Code, the route for each of its model families (default: `model`); for Codex, every route.
 */
export type SnippetInput = {
  proxyUrl: string;
  proxyKey: string;
  model: string;
  claudeCode?: { opus: string; sonnet: string; haiku: string };
  /** Every route, for tools that take one profile per route (Codex). Default: `model`. */
  routes?: readonly string[];
};

export type Snippet = {
  id: string;
  title: string;
  /** Where the text goes, in one line. */
  where: string;
  language: 'sh' | 'json' | 'yaml' | 'toml' | 'python' | 'js' | 'text';
  /** The user agent the tool sends, as rules' `client` globs see it; absent when not known. */
  userAgent?: string;
  text: (input: SnippetInput) => string;
};

/** The origin without `/v1`: Anthropic clients add `/v1/messages` themselves. */
export function anthropicBase(proxyUrl: string): string {
  return proxyUrl.replace(/\/v1\/?$/, '');
}

/** Ready-to-paste settings for the tools people point at an OpenAI-compatible endpoint. */
export const SNIPPETS: readonly Snippet[] = [
  {
    id: 'cursor',
    title: 'Cursor',
    where: 'Settings → Models: turn on "Override OpenAI Base URL", then add the model name.',
    language: 'text',
    text: ({ proxyUrl, proxyKey, model }) =>
      `OpenAI API Key:            ${proxyKey}\nOverride OpenAI Base URL:  ${proxyUrl}\nModel name (+ Add model):  ${model}`,
  },
  {
    id: 'continue',
    title: 'Continue',
    where: '~/.continue/config.yaml',
    language: 'yaml',
    text: ({ proxyUrl, proxyKey, model }) =>
      `models:\n  - name: Switchyard ${model}\n    provider: openai\n    model: ${model}\n    apiBase: ${proxyUrl}\n    apiKey: ${proxyKey}\n    roles: [chat, edit, apply]`,
  },
  {
    id: 'cline',
    title: 'Cline',
    where: 'Cline settings → API Provider: "OpenAI Compatible".',
    language: 'text',
    text: ({ proxyUrl, proxyKey, model }) =>
      `Base URL:  ${proxyUrl}\nAPI Key:   ${proxyKey}\nModel ID:  ${model}`,
  },
  {
    id: 'zed',
    title: 'Zed',
    where: 'settings.json; then enter the key once in the Agent panel\'s "Switchyard" provider.',
    language: 'json',
    text: ({ proxyUrl, model }) =>
      JSON.stringify(
        {
          language_models: {
            openai_compatible: {
              Switchyard: {
                api_url: proxyUrl,
                available_models: [
                  { name: model, display_name: `Switchyard ${model}`, max_tokens: 128000 },
                ],
              },
            },
          },
        },
        null,
        2,
      ),
  },
  {
    id: 'aider',
    title: 'Aider',
    where: 'In the shell you start aider from.',
    language: 'sh',
    text: ({ proxyUrl, proxyKey, model }) =>
      `export OPENAI_API_BASE=${proxyUrl}\nexport OPENAI_API_KEY=${proxyKey}\naider --model openai/${model}`,
  },
  {
    id: 'claude-code',
    userAgent: 'claude-cli/2.0.14 (external, cli)',
    title: 'Claude Code',
    where: 'In the shell you start claude from (Anthropic format, /v1/messages).',
    language: 'sh',
    // ANTHROPIC_AUTH_TOKEN, not ANTHROPIC_API_KEY: Claude Code asks interactively before it uses
    // an API key from the environment, and sends this one as a Bearer token without asking.
    text: ({ proxyUrl, proxyKey, model, claudeCode }) => {
      const tiers = claudeCode ?? { opus: model, sonnet: model, haiku: model };
      return [
        `export ANTHROPIC_BASE_URL=${anthropicBase(proxyUrl)}`,
        `export ANTHROPIC_AUTH_TOKEN=${proxyKey}`,
        `export ANTHROPIC_MODEL=${model}`,
        `export ANTHROPIC_DEFAULT_OPUS_MODEL=${tiers.opus}`,
        `export ANTHROPIC_DEFAULT_SONNET_MODEL=${tiers.sonnet}`,
        `export ANTHROPIC_DEFAULT_HAIKU_MODEL=${tiers.haiku}`,
        'claude',
      ].join('\n');
    },
  },
  {
    id: 'codex',
    userAgent: 'codex_cli_rs/0.46.0',
    title: 'Codex CLI',
    where:
      '~/.codex/config.toml (Responses API), a ~/.codex/<route>.config.toml per route for codex -p <route>, and the key in your shell.',
    language: 'toml',
    // Codex 0.17x speaks only the Responses API (wire_api = "chat" is refused), and reads a
    // profile from its own file: a [profiles.*] table in config.toml makes `codex -p` fail.
    text: ({ proxyUrl, proxyKey, model, routes }) =>
      [
        `# export SWITCHYARD_API_KEY=${proxyKey}`,
        `model = "${model}"`,
        'model_provider = "switchyard"',
        '',
        '[model_providers.switchyard]',
        'name = "Switchyard"',
        `base_url = "${proxyUrl}"`,
        'env_key = "SWITCHYARD_API_KEY"',
        'wire_api = "responses"',
        ...(routes ?? [model]).flatMap((route) => [
          '',
          `# ~/.codex/${route}.config.toml, for codex -p ${route}:`,
          '# model_provider = "switchyard"',
          `# model = "${route}"`,
        ]),
      ].join('\n'),
  },
  {
    id: 'openai-python',
    title: 'OpenAI SDK (Python)',
    where: 'pip install openai',
    language: 'python',
    text: ({ proxyUrl, proxyKey, model }) =>
      `from openai import OpenAI\n\nclient = OpenAI(base_url="${proxyUrl}", api_key="${proxyKey}")\nreply = client.chat.completions.create(\n    model="${model}",\n    messages=[{"role": "user", "content": "Hello!"}],\n)\nprint(reply.choices[0].message.content)`,
  },
  {
    id: 'openai-node',
    title: 'OpenAI SDK (Node)',
    where: 'npm install openai',
    language: 'js',
    text: ({ proxyUrl, proxyKey, model }) =>
      `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${proxyUrl}', apiKey: '${proxyKey}' });\nconst reply = await client.chat.completions.create({\n  model: '${model}',\n  messages: [{ role: 'user', content: 'Hello!' }],\n});\nconsole.log(reply.choices[0].message.content);`,
  },
  {
    id: 'curl',
    title: 'curl',
    where: 'Any shell.',
    language: 'sh',
    text: ({ proxyUrl, proxyKey, model }) =>
      `curl ${proxyUrl}/chat/completions \\\n  -H "Authorization: Bearer ${proxyKey}" \\\n  -H "Content-Type: application/json" \\\n  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  },
];

/** The key as shown on screen: enough to recognise, not enough to use. */
export function maskKey(key: string): string {
  return key.length <= 8 ? '••••••••' : `${key.slice(0, 3)}••••••••${key.slice(-4)}`;
}
