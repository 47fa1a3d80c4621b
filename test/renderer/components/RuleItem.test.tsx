import { DndContext } from '@dnd-kit/core';
import { SortableContext } from '@dnd-kit/sortable';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { RuleWhenSchema, type Rule } from '../../../app/config/schema.ts';
import { RuleItem } from '../../../renderer/src/components/RuleItem.tsx';

const FORMATS = RuleWhenSchema.shape.format.unwrap().options;

/** One rule in its sortable list, kept in state as the Rules section keeps it. */
function Harness(props: { initial: Rule; onChange: (rule: Rule) => void }) {
  const [rule, setRule] = useState(props.initial);
  return (
    <DndContext>
      <SortableContext items={['rule-0']}>
        <ol>
          <RuleItem
            id="rule-0"
            index={0}
            count={1}
            rule={rule}
            routeNames={['fast']}
            errors={{}}
            onChange={(next) => {
              setRule(next);
              props.onChange(next);
            }}
            onRemove={() => undefined}
          />
        </ol>
      </SortableContext>
    </DndContext>
  );
}

describe('RuleItem', () => {
  // The options come from the schema, so each one offered must also be the one the rule gets.
  it.each(FORMATS)(
    'sets the caller format %s when it is picked, and clears it with "any"',
    async (format) => {
      const user = userEvent.setup();
      const onChange = vi.fn();
      render(<Harness initial={{ name: 'r', when: {}, route: 'fast' }} onChange={onChange} />);
      const select = screen.getByLabelText('Caller format');
      await user.selectOptions(select, format);
      expect(onChange).toHaveBeenLastCalledWith({ name: 'r', when: { format }, route: 'fast' });
      await user.selectOptions(select, 'any');
      expect(onChange).toHaveBeenLastCalledWith({ name: 'r', when: {}, route: 'fast' });
    },
  );
});
