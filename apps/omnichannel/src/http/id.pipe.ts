import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { ID_PATTERN, ID_RULE } from '../../../../libs/messaging/src';

/** Path ids follow the contract's id rule; anything else is a 400 naming the parameter. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (!ID_PATTERN.test(value)) throw new BadRequestException({ message: `${this.name} ${ID_RULE}`, field: this.name });
    return value;
  }
}
