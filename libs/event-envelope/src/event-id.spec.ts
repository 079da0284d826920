import { newEventId } from './event-id';

describe('newEventId', () => {
  it('makes UUIDs of version 7, in the order they were made', () => {
    const ids = Array.from({ length: 2000 }, newEventId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Ordered as text, which is how every store's unique index compares them.
    expect([...ids].sort()).toEqual(ids);
  });
});
