import { RolePermissions, readRolePermissions } from './permissions';

export { ROLES } from './roles';
export type { Role } from './roles';

/** Where the keys that sign bearer tokens come from. */
export type KeySource =
  | { kind: 'jwks'; url: URL; cooldownSeconds: number }
  | { kind: 'public-key'; pem: string; algorithm: string }
  | { kind: 'secret'; secret: string };

export interface AuthSettings {
  keys: KeySource;
  issuer: string;
  audience: string;
  /** The claim holding the roles: an array of strings or one space- or comma-separated string. */
  rolesClaim: string;
  /** The claim holding the agent id an agent acts as. */
  agentIdClaim: string;
  clockSkewSeconds: number;
  /** Which role grants which supervisor permission (OMNICHANNEL_ROLE_PERMISSIONS). */
  rolePermissions: RolePermissions;
}

/** HS256 needs a key at least as long as its hash (RFC 7518 3.2). */
const MIN_SECRET_LENGTH = 32;

/**
 * Authentication is on when exactly one key source is set: OMNICHANNEL_AUTH_JWKS_URL (an OIDC provider),
 * OMNICHANNEL_AUTH_PUBLIC_KEY (PEM) or OMNICHANNEL_AUTH_SECRET (development). Issuer and audience are then required.
 */
export const readAuthSettings = (env: NodeJS.ProcessEnv): AuthSettings | undefined => {
  const jwks = env.OMNICHANNEL_AUTH_JWKS_URL || undefined;
  const pem = env.OMNICHANNEL_AUTH_PUBLIC_KEY || undefined;
  const secret = env.OMNICHANNEL_AUTH_SECRET || undefined;
  const given = [jwks, pem, secret].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given > 1)
    throw new Error(
      'set only one of OMNICHANNEL_AUTH_JWKS_URL, OMNICHANNEL_AUTH_PUBLIC_KEY and OMNICHANNEL_AUTH_SECRET',
    );
  const issuer = required(env, 'OMNICHANNEL_AUTH_ISSUER');
  const audience = required(env, 'OMNICHANNEL_AUTH_AUDIENCE');
  return {
    keys: jwks
      ? {
          kind: 'jwks',
          url: jwksUrl(jwks),
          cooldownSeconds: seconds(env, 'OMNICHANNEL_AUTH_JWKS_COOLDOWN_SECONDS', 30),
        }
      : pem
        ? { kind: 'public-key', pem, algorithm: env.OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM || 'RS256' }
        : { kind: 'secret', secret: strongSecret(secret!) },
    issuer,
    audience,
    rolesClaim: env.OMNICHANNEL_AUTH_ROLES_CLAIM || 'roles',
    agentIdClaim: env.OMNICHANNEL_AUTH_AGENT_ID_CLAIM || 'sub',
    clockSkewSeconds: seconds(env, 'OMNICHANNEL_AUTH_CLOCK_SKEW_SECONDS', 30),
    rolePermissions: readRolePermissions(env.OMNICHANNEL_ROLE_PERMISSIONS),
  };
};

const required = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when authentication is configured`);
  return value;
};

const jwksUrl = (raw: string): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`OMNICHANNEL_AUTH_JWKS_URL must be a URL, not '${raw}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`OMNICHANNEL_AUTH_JWKS_URL must be an https (or http) URL, not '${raw}'`);
  return url;
};

const strongSecret = (secret: string): string => {
  if (Buffer.byteLength(secret) < MIN_SECRET_LENGTH)
    throw new Error(`OMNICHANNEL_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} bytes long`);
  return secret;
};

const seconds = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 3600)
    throw new Error(`${name} must be a whole number of seconds from 0 to 3600, not '${raw}'`);
  return value;
};
