import { KeyLike, SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { AuthSettings } from './auth-settings';
import { DEFAULT_ROLE_PERMISSIONS } from './permissions';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

/** A configured public key (PEM), and the agent id read from a claim other than `sub`. */
describe('TokenVerifier with a public key', () => {
  const sign = (privateKey: KeyLike, claims: Record<string, unknown>, alg = 'RS256') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setSubject('user-7')
      .setIssuer('https://idp')
      .setAudience('omni')
      .setExpirationTime('5m')
      .sign(privateKey);

  let verifier: TokenVerifier;
  let privateKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    const settings: AuthSettings = {
      keys: { kind: 'public-key', pem: await exportSPKI(pair.publicKey), algorithm: 'RS256' },
      issuer: 'https://idp',
      audience: 'omni',
      rolesClaim: 'realm_access.roles',
      agentIdClaim: 'agent_id',
      clockSkewSeconds: 30,
      rolePermissions: DEFAULT_ROLE_PERMISSIONS,
    };
    verifier = new TokenVerifier(settings);
  });

  it('reads the principal: sub, the agent id claim and the roles claim', async () => {
    const principal = await verifier.principal(
      await sign(privateKey, { agent_id: 'a-42', realm_access: { roles: ['agent', 'offline_access'] } }),
    );
    expect(principal).toEqual({ id: 'user-7', agentId: 'a-42', roles: new Set(['agent']), permissions: new Set() });
  });

  it('refuses a token signed by another key', async () => {
    const other = await generateKeyPair('RS256');
    await expect(verifier.principal(await sign(other.privateKey, {}))).rejects.toThrow(InvalidTokenError);
  });

  it('refuses an algorithm other than the configured one', async () => {
    const other = await generateKeyPair('PS256');
    await expect(verifier.principal(await sign(other.privateKey, {}, 'PS256'))).rejects.toThrow(/algorithm/);
  });
});
