import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { InvalidInput, describeInvalid, flatten, unsafeShape } from '#messaging';

/**
 * A DTO class may answer the common, valid body itself (a static `plainlyValid` of its own, not inherited): it
 * accepts only bodies its declarative rules accept unchanged (no field to strip, none to convert), so such a body
 * skips class-transformer and class-validator, which cost the command path more than anything else of its HTTP
 * validation; every other body goes through them and is judged and worded by the same rules as before.
 */
interface PlainlyCheckable {
  new (): object;
  plainlyValid(body: Record<string, unknown>): boolean;
}

/**
 * Bodies are validated by their DTO; a 400 names each field at fault and why. A body the transformer cannot
 * take safely (not an object, too deep, a `constructor` key) is refused before it gets there.
 */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (isPlainlyCheckable(metadata.metatype) && isObject(value) && metadata.metatype.plainlyValid(value))
        return Promise.resolve(Object.assign(new metadata.metatype(), value));
      const problems = unsafeShape(value);
      if (problems.length) throw invalidInput(problems);
      if (isDto(metadata) && !isObject(value)) throw invalidInput([{ field: 'body', reason: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isPlainlyCheckable = (metatype: unknown): metatype is PlainlyCheckable =>
  typeof metatype === 'function' && Object.hasOwn(metatype, 'plainlyValid');

const isDto = (metadata: ArgumentMetadata) =>
  metadata.metatype !== undefined && ![Object, String, Number, Boolean, Array].includes(metadata.metatype as never);

export const validationPipe = () =>
  new BodyValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => invalidInput(flatten(errors)),
  });

/** The 400 for invalid input: every field at fault and why, in one message and as a list. */
export const invalidInput = (problems: InvalidInput[]) =>
  new BadRequestException({ message: describeInvalid(problems), fields: problems });
