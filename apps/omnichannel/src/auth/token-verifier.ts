import { createPublicKey, createSecretKey } from 'node:crypto';
import { JWTPayload, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { AuthSettings } from './auth-settings';
import { permissionsOf } from './permissions';
import { Principal, claimAt, rolesFrom } from './principal';

/** A token that does not prove who the caller is: answered 401 with this reason. */
export class InvalidTokenError extends Error {}

const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/** Verifies bearer tokens with jose: signature, issuer, audience, expiry and not-before, with the configured skew. */
export class TokenVerifier {
  private readonly verify: (token: string) => Promise<JWTPayload>;

  constructor(private readonly settings: AuthSettings) {
    const options = {
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: settings.clockSkewSeconds,
      requiredClaims: ['exp', 'sub'],
    };
    const keys = settings.keys;
    switch (keys.kind) {
      case 'jwks': {
        // jose refetches the set when a token names a key it does not hold (rotation), at most once per cooldown.
        const jwks = createRemoteJWKSet(keys.url, { cooldownDuration: keys.cooldownSeconds * 1000 });
        this.verify = async (token) => (await jwtVerify(token, jwks, options)).payload;
        break;
      }
      case 'public-key': {
        const key = createPublicKey(keys.pem);
        this.verify = async (token) =>
          (await jwtVerify(token, key, { ...options, algorithms: [keys.algorithm] })).payload;
        break;
      }
      case 'secret': {
        const key = createSecretKey(Buffer.from(keys.secret));
        this.verify = async (token) =>
          (await jwtVerify(token, key, { ...options, algorithms: SECRET_ALGORITHMS })).payload;
        break;
      }
    }
  }

  async principal(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      payload = await this.verify(token);
    } catch (error) {
      throw new InvalidTokenError(reason(error));
    }
    const id = principalId(payload.sub, 'sub');
    const claim = this.settings.agentIdClaim;
    const agentId = claim === 'sub' ? id : claimAt(payload, claim);
    const roles = rolesFrom(claimAt(payload, this.settings.rolesClaim));
    return {
      id,
      ...(agentId !== undefined && { agentId: principalId(agentId, claim) }),
      roles,
      permissions: permissionsOf(roles, this.settings.rolePermissions),
      validUntil: (payload.exp! + this.settings.clockSkewSeconds) * 1000,
    };
  }
}

/** Long enough for any identity provider's subject (OIDC allows 255 ASCII characters), short enough for a log line. */
const MAX_PRINCIPAL_ID_LENGTH = 255;
/** Control, format (bidirectional overrides, zero-width) and line-separator characters: they forge log and audit lines. */
const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The audit trail records this id as the actor: a non-empty string of printable characters, bounded, or 401. */
const principalId = (value: unknown, claim: string): string => {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidTokenError(`the token's ${claim} claim must be a non-empty string`);
  if (value.length > MAX_PRINCIPAL_ID_LENGTH)
    throw new InvalidTokenError(`the token's ${claim} claim is longer than ${MAX_PRINCIPAL_ID_LENGTH} characters`);
  if (UNSAFE_CHARACTER.test(value))
    throw new InvalidTokenError(`the token's ${claim} claim holds control or formatting characters`);
  return value;
};

/** Says what was wrong without echoing the token. */
const reason = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    if (error.claim === 'iss') return 'the token was issued by someone else';
    if (error.claim === 'aud') return 'the token is meant for another audience';
    return `the token's ${error.claim} claim is missing or invalid`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return 'the token is not a well-formed JWT (three base64url parts, a JSON header and claims)';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError)
    return `the token could not be verified (${error.code})`;
  return 'the token could not be verified';
};
