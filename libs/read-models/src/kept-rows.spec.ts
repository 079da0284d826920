import { KeptRows } from './kept-rows';

describe('KeptRows', () => {
  it('keeps the rows last written, dropping those written longer ago past its capacity', () => {
    const kept = new KeptRows<number>(4);
    kept.set('a', 1);
    kept.set('b', 2);
    kept.set('a', 3);
    kept.set('c', 4);
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual([3, undefined, 4]);
  });

  it('forgets a deleted row, whichever generation holds it', () => {
    const kept = new KeptRows<number>(4);
    kept.set('a', 1);
    kept.set('b', 2);
    kept.set('a', 3);
    kept.delete('a');
    expect([kept.get('a'), kept.get('b')]).toEqual([undefined, 2]);
  });

  it('never holds more than its capacity, and always the last half of it written', () => {
    const kept = new KeptRows<number>(10);
    for (let n = 0; n < 100; n++) kept.set(`k${n}`, n);
    const held = Array.from({ length: 100 }, (_, n) => kept.get(`k${n}`)).filter((row) => row !== undefined);
    expect(held.length).toBeLessThanOrEqual(10);
    expect(held.slice(-5)).toEqual([95, 96, 97, 98, 99]);
  });
});
