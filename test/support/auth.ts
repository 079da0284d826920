import { createSecretKey } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JWTPayload, KeyLike, SignJWT } from 'jose';
import { AppProcess, HttpResponse } from './app-process';

/** The service's authentication settings in the tests: a shared secret, as in development. */
export const SECRET = 'test-secret-for-the-security-suites-0123456789';
export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'omnichannel-test';
export const AUTH_ENV = {
  OMNICHANNEL_AUTH_SECRET: SECRET,
  OMNICHANNEL_AUTH_ISSUER: ISSUER,
  OMNICHANNEL_AUTH_AUDIENCE: AUDIENCE,
};

export interface TokenOptions {
  roles?: string[];
  sub?: string;
  /** Seconds from now; negative for the past. */
  expiresIn?: number;
  notBefore?: number;
  issuer?: string;
  audience?: string;
  claims?: JWTPayload;
  key?: KeyLike | Uint8Array;
  alg?: string;
  kid?: string;
}

const now = () => Math.floor(Date.now() / 1000);

/** A signed token; by default valid for the service started with AUTH_ENV. */
export const token = ({
  roles = [],
  sub = 'someone',
  expiresIn = 600,
  notBefore,
  issuer = ISSUER,
  audience = AUDIENCE,
  claims = {},
  key = createSecretKey(Buffer.from(SECRET)),
  alg = 'HS256',
  kid,
}: TokenOptions = {}): Promise<string> => {
  const jwt = new SignJWT({ roles, ...claims })
    .setProtectedHeader({ alg, ...(kid && { kid }) })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(now() + expiresIn);
  if (notBefore !== undefined) jwt.setNotBefore(now() + notBefore);
  return jwt.sign(key);
};

/** Requests with `Authorization: Bearer <token>` (none when token is undefined). */
export const as = (app: AppProcess, bearer: string | undefined) => {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(bearer !== undefined && { authorization: `Bearer ${bearer}` }),
    ...extra,
  });
  return {
    request: <T = any>(method: string, path: string, body?: unknown, extra?: Record<string, string>) =>
      app.request<T>(method, path, body, headers(extra)),
    get: <T = any>(path: string, minPosition?: number): Promise<HttpResponse<T>> =>
      app.request<T>(
        'GET',
        path,
        undefined,
        headers(minPosition === undefined ? {} : { 'x-min-position': String(minPosition) }),
      ),
    put: <T = any>(path: string, body: unknown) => app.request<T>('PUT', path, body, headers()),
    post: <T = any>(path: string, body: unknown = {}) => app.request<T>('POST', path, body, headers()),
  };
};

/** The embedded store's head position, read from its file beside the running service. */
export const storeHead = (dataDir: string): number => {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COALESCE(MAX(position), 0) AS head FROM events').get() as { head: number }).head;
  } finally {
    db.close();
  }
};

/** The actors of the events of one stream type (e.g. `queue-`), straight from the store. */
export const storedActors = (dataDir: string, streamPrefix: string): { type: string; actor: unknown }[] => {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare('SELECT type, metadata FROM events WHERE stream_id LIKE ? ORDER BY position')
        .all(`${streamPrefix}%`) as { type: string; metadata: string }[]
    ).map((row) => ({ type: row.type, actor: JSON.parse(row.metadata).actor }));
  } finally {
    db.close();
  }
};
