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
    const agentId = claimAt(payload, this.settings.agentIdClaim);
    const roles = rolesFrom(claimAt(payload, this.settings.rolesClaim));
    return {
      id: payload.sub!,
      ...(typeof agentId === 'string' && agentId !== '' && { agentId }),
      roles,
      permissions: permissionsOf(roles, this.settings.rolePermissions),
    };
  }
}

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
