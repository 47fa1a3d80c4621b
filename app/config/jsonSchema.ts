import { z } from 'zod';
import { ConfigSchema } from './schema.ts';

/** The config's JSON Schema, generated from the zod schema so the two never drift. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Switchyard config',
    description:
      'The Switchyard config file (config.json in the data folder). Keys are never stored here.',
  };
}
