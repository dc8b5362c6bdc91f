import { validate, type ValidationError } from 'class-validator';
import { badInput } from './errors';

function messages(errors: ValidationError[], prefix = ''): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = [];
  for (const e of errors) {
    const field = `${prefix}${e.property}`;
    for (const text of Object.values(e.constraints ?? {})) out.push({ field, text });
    if (e.children?.length) out.push(...messages(e.children, `${field}.`));
  }
  return out;
}

/**
 * Validates a class-validator input (type-graphql's `validateFn`) and answers BAD_USER_INPUT with a
 * message that says what to fix, field by field, instead of a bare "Argument Validation Error".
 */
export async function validateInput(value: unknown): Promise<void> {
  if (value === null || typeof value !== 'object') return;
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item === null || typeof item !== 'object') continue;
    const errors = await validate(item as object, { forbidUnknownValues: false, skipMissingProperties: false });
    const found = messages(errors);
    if (found.length) {
      throw badInput(`Fix the input: ${found.map((m) => `${m.field}: ${m.text}`).join('; ')}`, found[0].field);
    }
  }
}
