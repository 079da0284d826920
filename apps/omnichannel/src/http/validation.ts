import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { InvalidInput, describeInvalid, flatten, unsafeShape } from '#messaging';

/**
 * Bodies are validated by their DTO; a 400 names each field at fault and why. A body the transformer cannot
 * take safely (not an object, too deep, a `constructor` key) is refused before it gets there.
 */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const problems = unsafeShape(value);
      if (problems.length) throw invalidInput(problems);
      if (isDto(metadata) && (typeof value !== 'object' || value === null || Array.isArray(value)))
        throw invalidInput([{ field: 'body', reason: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

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
