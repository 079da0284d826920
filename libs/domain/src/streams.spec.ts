import { streams } from './streams';

describe('stream names', () => {
  it('use only letters, digits, _ . - whatever the contract id holds', () => {
    expect(streams.conversation('chat:2026.11-21_a')).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('keep distinct ids distinct', () => {
    const ids = ['a:b', 'a_.b', 'a_b', 'a__b', 'a.b', 'a-b', 'a::b', 'a:_b', 'a_:b'];
    expect(new Set(ids.map(streams.agent)).size).toBe(ids.length);
  });
});
