import { Matches, ValidationOptions } from 'class-validator';

/** Contract: ids are 1–128 characters of [A-Za-z0-9._:-]. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const ID_RULE = 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : -';

export const IsId = (options: ValidationOptions = {}) =>
  Matches(ID_PATTERN, { message: `$property ${options.each ? 'entries ' : ''}${ID_RULE}`, ...options });
