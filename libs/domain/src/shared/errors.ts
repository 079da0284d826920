/**
 * Why a command was refused. The kind maps one-to-one onto the contract's status codes
 * (invalid 400, forbidden 403, not_found 404, not_allowed 409); the domain never speaks HTTP.
 */
export type DomainErrorKind = 'invalid' | 'forbidden' | 'not_found' | 'not_allowed';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** The conversation's status reason when the command was refused (for `not_allowed`). */
    readonly statusReason?: string,
    /** The input field at fault (for `invalid`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (field: string, reason: string): DomainError =>
  new DomainError('invalid', `${field} ${reason}`, undefined, field);

export const notFound = (what: string, id: string): DomainError =>
  new DomainError('not_found', `${what} '${id}' does not exist`);

export const forbidden = (message: string): DomainError => new DomainError('forbidden', message);
