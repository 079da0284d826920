import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { InvalidInput, describeInvalid, flatten } from '#messaging';

/** Bodies are validated by their DTO; a 400 names each field at fault and why. */
export const validationPipe = () =>
  new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => invalidInput(flatten(errors)),
  });

/** The 400 for invalid input: every field at fault and why, in one message and as a list. */
export const invalidInput = (problems: InvalidInput[]) =>
  new BadRequestException({ message: describeInvalid(problems), fields: problems });
