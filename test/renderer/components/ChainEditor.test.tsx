import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RouteTarget } from '../../../app/config/schema.ts';
import { ChainEditor, applyDrop, chainIds } from '../../../renderer/src/components/ChainEditor.tsx';
import { CATALOG, KEYS } from '../fixtures.ts';

function Harness(props: { initial: RouteTarget[]; onChange?: (t: RouteTarget[]) => void }) {
  const [targets, setTargets] = useState(props.initial);
  return (
    <ChainEditor
      targets={targets}
      catalog={CATALOG}
      keys={KEYS}
      onChange={(next) => {
        setTargets(next);
        props.onChange?.(next);
      }}
    />
  );
}

const THREE: RouteTarget[] = [
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
  { provider: 'gemini', model: 'gemini-2.5-flash' },
  { provider: 'openai', model: 'gpt-4o-mini', key: 'openai-1' },
];

/** dnd-kit measures the droppables a frame after a drag starts; a key pressed sooner moves nothing. */
/** Presses each key in turn on `target`, letting dnd-kit's keyboard sensor settle after each. */
async function press(target: Document | HTMLElement, ...codes: string[]) {
  for (const code of codes) {
    await act(async () => {
      fireEvent.keyDown(target, { code, key: code === 'Space' ? ' ' : code });
      await new Promise((resolve) => setTimeout(resolve, 30));
    });
  }
}

function order(): string[] {
  return screen.getAllByTestId('chain-item').map((li) => li.getAttribute('data-target') ?? '');
}

describe('applyDrop', () => {
  const ids = chainIds(THREE);

  it('gives a repeated target its own id', () => {
    expect(chainIds([THREE[0]!, THREE[0]!])).toEqual([
      'groq|llama-3.1-8b-instant|#0',
      'groq|llama-3.1-8b-instant|#1',
    ]);
  });

  it('inserts a palette model before or after the item it is dropped on, or at the end of the chain', () => {
    const dropped = applyDrop(THREE, 'palette:ollama|llama3.1:8b', ids[1]!);
    expect(dropped?.map((t) => t.provider)).toEqual(['groq', 'ollama', 'gemini', 'openai']);
    const below = applyDrop(THREE, 'palette:ollama|llama3.1:8b', ids[2]!, true);
    expect(below?.map((t) => t.provider)).toEqual(['groq', 'gemini', 'openai', 'ollama']);
    expect(applyDrop(THREE, 'palette:groq|qwen/qwen3-32b', 'chain')?.at(-1)).toEqual({
      provider: 'groq',
      model: 'qwen/qwen3-32b',
    });
  });

  it('moves a chain item to where it is dropped, keeping its key', () => {
    expect(applyDrop(THREE, ids[2]!, ids[0]!)).toEqual([THREE[2], THREE[0], THREE[1]]);
    expect(applyDrop(THREE, ids[0]!, ids[0]!)).toBeNull();
    expect(applyDrop(THREE, ids[0]!, null)).toBeNull();
  });
});

/** The three-target chain with keyboard focus on the grip of its second item, Gemini. */
function grabGemini(): HTMLElement {
  render(<Harness initial={THREE} />);
  const handle = screen.getByRole('button', {
    name: 'Move Google Gemini · gemini-2.5-flash, position 2 of 3',
  });
  handle.focus();
  return handle;
}

describe('ChainEditor', () => {
  beforeEach(() => {
    // jsdom lays nothing out. Give elements the places a browser would: the palette on the left,
    // the chain on the right with its items stacked, and anything else (the drag overlay) over
    // the first item, where a drag starts.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
      this: HTMLElement,
    ) {
      const items = [...document.querySelectorAll('[data-testid="chain-item"]')];
      const i = items.indexOf(this);
      const box = (left: number, top: number, width: number, height: number) =>
        ({
          x: left,
          y: top,
          left,
          top,
          width,
          height,
          right: left + width,
          bottom: top + height,
          toJSON: () => ({}),
        }) as DOMRect;
      if (i !== -1) return box(300, 10 + i * 50, 300, 40);
      if (this.dataset.testid === 'chain') return box(300, 0, 300, 200);
      if (this.getAttribute('aria-label') === 'Provider models') return box(0, 0, 250, 600);
      return box(300, 10, 300, 40);
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('lists the models of providers that have keys, and adds one to the end with +', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Harness initial={[]} onChange={onChange} />);
    const palette = screen.getByRole('region', { name: 'Provider models' });
    // Groq, Gemini and OpenAI have keys; Ollama needs none.
    expect(
      within(palette)
        .getAllByRole('heading', { level: 4 })
        .map((h) => h.textContent),
    ).toEqual(['Groq', 'Google Gemini', 'OpenAI', 'Ollama']);
    expect(screen.getByText(/Drop models here/)).toBeTruthy();
    await user.click(
      screen.getByRole('button', { name: 'Add Groq qwen/qwen3-32b to the end of the chain' }),
    );
    await user.click(
      screen.getByRole('button', { name: 'Add Ollama llama3.1:8b to the end of the chain' }),
    );
    expect(order()).toEqual(['groq/qwen/qwen3-32b', 'ollama/llama3.1:8b']);
    expect(onChange).toHaveBeenLastCalledWith([
      { provider: 'groq', model: 'qwen/qwen3-32b' },
      { provider: 'ollama', model: 'llama3.1:8b' },
    ]);
  });

  it('adds a model the catalog does not list', async () => {
    const user = userEvent.setup();
    render(<Harness initial={[]} />);
    const form = screen.getByRole('form', { name: 'Add another model' });
    await user.selectOptions(within(form).getByLabelText('Another model of'), 'gemini');
    await user.type(within(form).getByLabelText('Model id'), 'gemini-3-pro');
    await user.click(within(form).getByRole('button', { name: 'Add' }));
    expect(order()).toEqual(['gemini/gemini-3-pro']);
  });

  it('pins a target to one key, or back to the pool, and removes targets', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<Harness initial={THREE} onChange={onChange} />);
    await user.selectOptions(
      screen.getByLabelText('Key for Groq · llama-3.1-8b-instant'),
      'groq-2',
    );
    expect(onChange).toHaveBeenLastCalledWith([{ ...THREE[0], key: 'groq-2' }, THREE[1], THREE[2]]);
    await user.selectOptions(screen.getByLabelText('Key for OpenAI · gpt-4o-mini'), '');
    expect(onChange.mock.lastCall?.[0][2]).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    await user.click(
      screen.getByRole('button', {
        name: 'Remove Google Gemini · gemini-2.5-flash from the chain',
      }),
    );
    expect(order()).toEqual(['groq/llama-3.1-8b-instant', 'openai/gpt-4o-mini']);
  });

  it('reorders with the keyboard (Space, arrow, Space) and announces each step', async () => {
    render(<Harness initial={THREE} />);
    const handle = screen.getByRole('button', {
      name: 'Move Groq · llama-3.1-8b-instant, position 1 of 3',
    });
    expect(handle.getAttribute('aria-roledescription')).toBe('sortable');
    const instructions = document.getElementById(handle.getAttribute('aria-describedby') ?? '');
    expect(instructions?.textContent).toMatch(/press Space or Enter to pick it up/);
    const live = () =>
      document.querySelector('[role="status"][aria-live="assertive"]')?.textContent ?? '';

    handle.focus();
    await press(handle, 'Space');
    expect(live()).toMatch(/^Picked up Groq · llama-3.1-8b-instant at position 1 of 3\./);
    await press(document, 'ArrowDown', 'Space');
    expect(order()).toEqual([
      'gemini/gemini-2.5-flash',
      'groq/llama-3.1-8b-instant',
      'openai/gpt-4o-mini',
    ]);
    expect(live()).toBe('Dropped Groq · llama-3.1-8b-instant at position 2 of 3.');
  });

  it('moves up with Enter and the up arrow too', async () => {
    const handle = grabGemini();
    await press(handle, 'Enter');
    await press(document, 'ArrowUp', 'Enter');
    expect(order()).toEqual([
      'gemini/gemini-2.5-flash',
      'groq/llama-3.1-8b-instant',
      'openai/gpt-4o-mini',
    ]);
    expect(
      screen.getByRole('button', {
        name: 'Move Google Gemini · gemini-2.5-flash, position 1 of 3',
      }),
    ).toBeTruthy();
  });

  it('leaves the chain as it was when the move is cancelled with Escape', async () => {
    const handle = grabGemini();
    await press(handle, 'Space');
    await press(document, 'ArrowUp', 'Escape');
    expect(order()).toEqual(THREE.map((t) => `${t.provider}/${t.model}`));
    expect(document.querySelector('[role="status"][aria-live="assertive"]')?.textContent).toBe(
      'Cancelled. Google Gemini · gemini-2.5-flash stays where it was.',
    );
  });
});
