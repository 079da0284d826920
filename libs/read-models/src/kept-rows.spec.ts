import { KeptRows } from './kept-rows';

describe('KeptRows', () => {
  it('keeps the rows last written, dropping the least recently written past its capacity', () => {
    const kept = new KeptRows<number>(2);
    kept.set('a', 1);
    kept.set('b', 2);
    kept.set('a', 3);
    kept.set('c', 4);
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual([3, undefined, 4]);
  });

  it('forgets a deleted row', () => {
    const kept = new KeptRows<number>(2);
    kept.set('a', 1);
    kept.delete('a');
    expect(kept.get('a')).toBeUndefined();
  });
});
