import { readConfig } from '../config';
import { claimAt, rolesFrom } from './principal';

const SECRET = {
  OMNICHANNEL_AUTH_SECRET: 'x'.repeat(32),
  OMNICHANNEL_AUTH_ISSUER: 'i',
  OMNICHANNEL_AUTH_AUDIENCE: 'a',
};

describe('open only by choice', () => {
  it('listens on loopback when no authentication is configured', () => {
    expect(readConfig({})).toMatchObject({ host: '127.0.0.1', auth: undefined });
  });

  it('refuses another interface without authentication', () => {
    expect(() => readConfig({ OMNICHANNEL_LISTEN_HOST: '0.0.0.0' })).toThrow(/OMNICHANNEL_ALLOW_UNAUTHENTICATED/);
  });

  it('listens on another interface without authentication when told so explicitly', () => {
    const env = { OMNICHANNEL_LISTEN_HOST: '0.0.0.0', OMNICHANNEL_ALLOW_UNAUTHENTICATED: 'true' };
    expect(readConfig(env).host).toBe('0.0.0.0');
  });

  it('listens on every interface by default once authentication is on', () => {
    expect(readConfig(SECRET)).toMatchObject({ host: '0.0.0.0', auth: { keys: { kind: 'secret' }, issuer: 'i' } });
  });
});

describe('authentication settings', () => {
  it.each([
    ['a secret shorter than 32 bytes', { ...SECRET, OMNICHANNEL_AUTH_SECRET: 'short' }, /at least 32 bytes/],
    ['no issuer', { ...SECRET, OMNICHANNEL_AUTH_ISSUER: '' }, /OMNICHANNEL_AUTH_ISSUER must be set/],
    ['no audience', { ...SECRET, OMNICHANNEL_AUTH_AUDIENCE: '' }, /OMNICHANNEL_AUTH_AUDIENCE must be set/],
    ['two key sources', { ...SECRET, OMNICHANNEL_AUTH_JWKS_URL: 'https://idp/jwks' }, /only one of/],
    ['a JWKS URL that is not one', { ...SECRET, OMNICHANNEL_AUTH_SECRET: '', OMNICHANNEL_AUTH_JWKS_URL: 'idp' }, /URL/],
    [
      'a public key with a symmetric algorithm',
      {
        ...SECRET,
        OMNICHANNEL_AUTH_SECRET: '',
        OMNICHANNEL_AUTH_PUBLIC_KEY: 'PEM',
        OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM: 'HS256',
      },
      /OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM must be one of/,
    ],
    [
      'a public key with no algorithm at all',
      {
        ...SECRET,
        OMNICHANNEL_AUTH_SECRET: '',
        OMNICHANNEL_AUTH_PUBLIC_KEY: 'PEM',
        OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM: 'none',
      },
      /OMNICHANNEL_AUTH_PUBLIC_KEY_ALGORITHM must be one of/,
    ],
    ['a skew out of range', { ...SECRET, OMNICHANNEL_AUTH_CLOCK_SKEW_SECONDS: '-1' }, /whole number of seconds/],
  ])('refuses %s at start', (_name, env, message) => {
    expect(() => readConfig(env)).toThrow(message);
  });

  it('reads the roles and agent-id claims it is told to', () => {
    const env = {
      ...SECRET,
      OMNICHANNEL_AUTH_ROLES_CLAIM: 'realm_access.roles',
      OMNICHANNEL_AUTH_AGENT_ID_CLAIM: 'agent_id',
    };
    expect(readConfig(env).auth).toMatchObject({ rolesClaim: 'realm_access.roles', agentIdClaim: 'agent_id' });
  });
});

describe('claims', () => {
  it('finds a claim by a dotted path, or by its literal name first', () => {
    expect(claimAt({ realm_access: { roles: ['agent'] } }, 'realm_access.roles')).toEqual(['agent']);
    expect(claimAt({ 'https://x/roles': ['admin'] }, 'https://x/roles')).toEqual(['admin']);
    expect(claimAt({ a: 'flat' }, 'a.b')).toBeUndefined();
  });

  it('keeps only known roles, from an array or a separated string', () => {
    expect([...rolesFrom(['agent', 'root'])]).toEqual(['agent']);
    expect([...rolesFrom('supervisor,channel admin')]).toEqual(['supervisor', 'admin', 'channel']);
    expect([...rolesFrom(42)]).toEqual([]);
  });
});
