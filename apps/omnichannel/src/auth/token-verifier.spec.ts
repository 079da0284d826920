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
    expect(principal).toEqual({
      id: 'user-7',
      agentId: 'a-42',
      roles: new Set(['agent']),
      permissions: new Set(),
      validUntil: expect.any(Number),
    });
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

/** Issue 22: the principal's id is what the audit trail records as the actor. */
describe('TokenVerifier: the principal id', () => {
  const secret = 'a-shared-secret-of-at-least-32-bytes!';
  const settings = (agentIdClaim: string): AuthSettings => ({
    keys: { kind: 'secret', secret },
    issuer: 'https://idp',
    audience: 'omni',
    rolesClaim: 'roles',
    rolePermissions: DEFAULT_ROLE_PERMISSIONS,
    agentIdClaim,
    clockSkewSeconds: 30,
  });
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ roles: ['agent'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://idp')
      .setAudience('omni')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  it.each([
    ['an object', { evil: 1 }],
    ['an array', ['a1']],
    ['null', null],
    ['a number', 42],
    ['empty', ''],
    ['blank', '   '],
    ['9 KB long', 'a'.repeat(9 * 1024)],
    ['a NUL', 'a\u0000b'],
    ['a line break', 'a1\nforged line'],
    ['a right-to-left override', 'a\u202Eb'],
    ['a zero-width space', 'a\u200Bb'],
  ])('refuses sub as %s', async (_name, sub) => {
    await expect(new TokenVerifier(settings('sub')).principal(await sign({ sub }))).rejects.toThrow(InvalidTokenError);
  });

  it('refuses an agent-id claim that is not a sane string, and takes one that is', async () => {
    const verifier = new TokenVerifier(settings('agent_id'));
    await expect(verifier.principal(await sign({ sub: 'u-1', agent_id: { id: 'a1' } }))).rejects.toThrow(
      /agent_id claim/,
    );
    await expect(verifier.principal(await sign({ sub: 'u-1', agent_id: '' }))).rejects.toThrow(/agent_id claim/);
    const exp = Math.floor(Date.now() / 1000) + 300;
    expect(await verifier.principal(await sign({ sub: 'u-1', agent_id: 'a-1', exp }))).toMatchObject({
      validUntil: (exp + 30) * 1000,
      id: 'u-1',
      agentId: 'a-1',
    });
    expect(await verifier.principal(await sign({ sub: 'user@example.com/Ünïcode name' }))).toMatchObject({
      id: 'user@example.com/Ünïcode name',
    });
  });
});
