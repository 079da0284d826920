import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

/** The first thing wrong with an input, naming the field (dotted path) and the reason. */
export interface InvalidInput {
  field: string;
  reason: string;
}

export const validateAs = <T extends object>(cls: ClassConstructor<T>, input: unknown, prefix = ''): InvalidInput[] => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: prefix || 'body', reason: 'must be a JSON object' }];
  }
  const unsafe = unsafeShape(input, prefix);
  if (unsafe.length) return unsafe;
  const instance = plainToInstance(cls, input);
  return flatten(validateSync(instance, { forbidUnknownValues: false }), prefix);
};

export const flatten = (errors: ValidationError[], prefix = ''): InvalidInput[] =>
  errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // An absent field fails every rule it has (type, range, length); what the caller needs to hear is that it is missing.
    if (error.value === undefined && error.constraints) return [{ field, reason: 'is required' }];
    const own = Object.values(error.constraints ?? {}).map((reason) => ({
      field,
      reason: stripProperty(reason, error.property),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** class-validator messages start with the property name; we prefix the full path instead. */
const stripProperty = (message: string, property: string) =>
  message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;

export const describeInvalid = (problems: InvalidInput[]): string =>
  problems.map((p) => `${p.field} ${p.reason}`).join('; ');

/** Deeper than any body the contract takes (a workstream's operating hours are 4 levels). */
export const MAX_DEPTH = 16;

/**
 * Keys that name JavaScript's object machinery: class-transformer would treat `constructor` as the type to
 * build (and throw), and `__proto__`/`prototype` invite prototype pollution. No contract body has them.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What makes an input unsafe to hand to the transformer, found without recursion (a deep input would overflow
 * the stack exactly as the transformer does): nesting deeper than MAX_DEPTH, or a forbidden key.
 */
export const unsafeShape = (input: unknown, prefix = ''): InvalidInput[] => {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: input, path: prefix, depth: 0 }];
  while (pending.length) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) return [{ field: path || 'body', reason: `is nested deeper than ${MAX_DEPTH} levels` }];
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return [{ field, reason: 'is not an accepted field name' }];
      pending.push({ value: (value as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return [];
};
