import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { describeInvalid, flatten } from '../../../../libs/messaging/src';

/** Bodies are validated by their DTO; a 400 names each field at fault and why. */
export const validationPipe = () =>
  new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      return new BadRequestException({ message: describeInvalid(problems), fields: problems });
    },
  });
