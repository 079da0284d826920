import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JWK, KeyLike, exportJWK, generateKeyPair } from 'jose';
import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';
import { AUDIENCE, ISSUER, as, token } from '../support/auth';

/** Keys from an OIDC provider's JWKS URL, served here by a local HTTP server whose key set the test rotates. */

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

const signingKey = async (kid: string): Promise<SigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
};

let app: AppProcess;
let server: Server;
let published: SigningKey[] = [];
let fetches = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    fetches++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  published = [await signingKey('key-1')];
  app = await AppProcess.start({
    env: {
      OMNICHANNEL_AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      OMNICHANNEL_AUTH_ISSUER: ISSUER,
      OMNICHANNEL_AUTH_AUDIENCE: AUDIENCE,
      // The provider's new key is fetched as soon as a token names it.
      OMNICHANNEL_AUTH_JWKS_COOLDOWN_SECONDS: '0',
    },
  });
});

afterAll(async () => {
  await stopAndClean(app);
  await new Promise((resolve) => server.close(resolve));
});

const supervisorToken = (key: SigningKey) =>
  token({ roles: ['supervisor'], sub: 'sup', key: key.privateKey, alg: 'RS256', kid: key.kid });

it('accepts tokens signed with the published key, follows a rotation and drops the retired key', async () => {
  const [first] = published;
  expectStatus(await as(app, await supervisorToken(first)).get('/conversations'), 200);
  const fetchesBefore = fetches;

  const second = await signingKey('key-2');
  published = [first, second];
  expectStatus(await as(app, await supervisorToken(second)).get('/conversations'), 200);
  expect(fetches).toBeGreaterThan(fetchesBefore);

  published = [second];
  const stranger = await signingKey('key-1');
  const forged = await as(app, await supervisorToken(stranger)).get('/conversations');
  expect(forged.status).toBe(401);

  // The cached set still holds key-1 until the next fetch: a token naming an unknown kid forces one.
  const unknownKid = await as(app, await supervisorToken(await signingKey('key-3'))).get('/conversations');
  expect(unknownKid.status).toBe(401);
  const retired = await as(app, await supervisorToken(first)).get('/conversations');
  expect(retired.status).toBe(401);
  expect(retired.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
  expectStatus(await as(app, await supervisorToken(second)).get('/conversations'), 200);
});
