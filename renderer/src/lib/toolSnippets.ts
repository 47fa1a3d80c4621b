/**
 * Snippets for Gemini CLI (Gemini's native API) and the JavaScript SDKs people build agents
 * with. Listed after SNIPPETS on the Connect page.
 */
import { anthropicBase, type Snippet } from './snippets.ts';

/** The key a TypeScript string literal can hold as is (proxy keys are URL-safe). */
const quote = (value: string) => JSON.stringify(value).replaceAll('"', "'");

export const TOOL_SNIPPETS: readonly Snippet[] = [
  {
    id: 'gemini-cli',
    userAgent: 'GeminiCLI/0.9.0 (linux; x64)',
    title: 'Gemini CLI',
    where:
      'In the shell you start gemini from (Gemini format, /v1beta). Once: choose "Use Gemini API key" as the auth method, or put the settings line below in ~/.gemini/settings.json.',
    language: 'sh',
    // With GOOGLE_GEMINI_BASE_URL alone Gemini CLI picks its "gateway" auth method, which print
    // mode refuses; the Gemini API key method sends GEMINI_API_KEY to the base URL given.
    text: ({ proxyUrl, proxyKey, model }) =>
      [
        `# ~/.gemini/settings.json: { "security": { "auth": { "selectedType": "gemini-api-key" } } }`,
        `export GOOGLE_GEMINI_BASE_URL=${anthropicBase(proxyUrl)}`,
        `export GEMINI_API_KEY=${proxyKey}`,
        `gemini -m ${model}`,
      ].join('\n'),
  },
  {
    id: 'ai-sdk',
    title: 'AI SDK (TypeScript)',
    where: 'npm install ai @ai-sdk/openai @ai-sdk/anthropic',
    language: 'js',
    text: ({ proxyUrl, proxyKey, model }) =>
      [
        `import { createAnthropic } from '@ai-sdk/anthropic';`,
        `import { createOpenAI } from '@ai-sdk/openai';`,
        `import { generateText } from 'ai';`,
        ``,
        `// OpenAI format (chat completions), or Anthropic format (messages): both reach the same routes.`,
        `const openai = createOpenAI({ baseURL: ${quote(proxyUrl)}, apiKey: ${quote(proxyKey)} });`,
        `const anthropic = createAnthropic({ baseURL: ${quote(proxyUrl)}, apiKey: ${quote(proxyKey)} });`,
        ``,
        `const { text } = await generateText({ model: openai.chat(${quote(model)}), prompt: 'Hello!' });`,
        `console.log(text, anthropic(${quote(model)}).modelId);`,
      ].join('\n'),
  },
  {
    id: 'langchain',
    title: 'LangChain (TypeScript)',
    where: 'npm install @langchain/openai @langchain/anthropic',
    language: 'js',
    text: ({ proxyUrl, proxyKey, model }) =>
      [
        `import { ChatAnthropic } from '@langchain/anthropic';`,
        `import { ChatOpenAI } from '@langchain/openai';`,
        ``,
        `const viaOpenAi = new ChatOpenAI({`,
        `  model: ${quote(model)},`,
        `  apiKey: ${quote(proxyKey)},`,
        `  configuration: { baseURL: ${quote(proxyUrl)} },`,
        `});`,
        `// The Anthropic client adds /v1/messages itself: its URL has no /v1.`,
        `const viaAnthropic = new ChatAnthropic({`,
        `  model: ${quote(model)},`,
        `  apiKey: ${quote(proxyKey)},`,
        `  anthropicApiUrl: ${quote(anthropicBase(proxyUrl))},`,
        `});`,
        ``,
        `const reply = await viaOpenAi.invoke('Hello!');`,
        `console.log(reply.content, (await viaAnthropic.invoke('Hello!')).content);`,
      ].join('\n'),
  },
];
