import { eventStoreContract } from '#event-store/testing';
import { PostgresEventStore } from './postgres-event-store';
import { TestDatabase, createTestDatabase } from './testing/test-database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('contract');
});

afterAll(() => database?.drop());

eventStoreContract('PostgreSQL', async () => {
  const store = new PostgresEventStore(database.url);
  return { store, dispose: () => store.close() };
});
