import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { ID_PATTERN, ID_RULE } from '#messaging';

/** Ids in paths and queries follow the contract's id rule; anything else is a 400 naming the parameter. */
@Injectable()
export class IdPipe implements PipeTransform<string | undefined, string | undefined> {
  constructor(
    private readonly name = 'id',
    /** A query filter may be left out. */
    private readonly optional = false,
  ) {}

  transform(value: string | undefined): string | undefined {
    if (value === undefined && this.optional) return value;
    if (value === undefined || !ID_PATTERN.test(value))
      throw new BadRequestException({ message: `${this.name} ${ID_RULE}`, field: this.name });
    return value;
  }
}
