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
  const instance = plainToInstance(cls, input);
  return flatten(validateSync(instance, { forbidUnknownValues: false }), prefix);
};

export const flatten = (errors: ValidationError[], prefix = ''): InvalidInput[] =>
  errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
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
