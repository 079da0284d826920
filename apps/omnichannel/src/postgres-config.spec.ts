import { readConfig } from './config';

describe('PostgreSQL settings', () => {
  const url = 'postgres://omni:s3cret-pw@db.example:5432/omnichannel?sslmode=require';

  it('are absent without OMNICHANNEL_POSTGRES_URL', () => {
    expect(readConfig({}).postgres).toBeUndefined();
  });

  it('take the URL with the default pool size and statement timeout', () => {
    expect(readConfig({ OMNICHANNEL_POSTGRES_URL: url }).postgres).toEqual({
      url,
      poolSize: 10,
      statementTimeoutMs: 10_000,
    });
  });

  it('take the pool size and statement timeout from their variables', () => {
    const env = {
      OMNICHANNEL_POSTGRES_URL: url,
      OMNICHANNEL_POSTGRES_POOL_SIZE: '4',
      OMNICHANNEL_POSTGRES_STATEMENT_TIMEOUT_MS: '2500',
    };
    expect(readConfig(env).postgres).toMatchObject({ poolSize: 4, statementTimeoutMs: 2500 });
  });

  it.each([
    ['OMNICHANNEL_POSTGRES_POOL_SIZE', '0'],
    ['OMNICHANNEL_POSTGRES_STATEMENT_TIMEOUT_MS', 'soon'],
  ])('refuse %s=%s, naming it', (name, value) => {
    expect(() => readConfig({ OMNICHANNEL_POSTGRES_URL: url, [name]: value })).toThrow(
      `${name} must be a positive integer, not '${value}'`,
    );
  });

  it('refuse a URL of another kind without echoing it (it may hold a password)', () => {
    const error = (() => {
      try {
        readConfig({ OMNICHANNEL_POSTGRES_URL: 'mysql://omni:s3cret-pw@db/x' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toBe('OMNICHANNEL_POSTGRES_URL must be a postgres:// URL');
  });

  it('refuse PostgreSQL and EventStoreDB together: they name two stores', () => {
    expect(() =>
      readConfig({ OMNICHANNEL_POSTGRES_URL: url, EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113' }),
    ).toThrow('set OMNICHANNEL_POSTGRES_URL or EVENTSTORE_CONNECTION_STRING, not both');
  });
});
