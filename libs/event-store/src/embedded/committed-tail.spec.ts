import { CommittedTail } from './committed-tail';
import { WireAppend, WireWritten } from './writer-protocol';

/** One append of `count` events to `streamId`, written from `position` on, at revisions from `revision` on. */
const appended = (streamId: string, count: number, position: number, revision = 0): [WireAppend, WireWritten] => [
  [
    {
      streamId,
      expectedRevision: 'any',
      events: Array.from({ length: count }, (_, i) => [`${streamId}-${revision + i}`, 't', '{}', '{}']),
    },
  ],
  {
    recordedAt: '2026-12-05T00:00:00.000Z',
    events: Array.from({ length: count }, (_, i) => [position + i, revision + i]),
  },
];

const positions = (rows: { 0: number }[] | undefined) => rows?.map((row) => row[0]);

describe('CommittedTail', () => {
  it('gives the rows an append wrote, with stream, revision, id and time, after any position it covers', () => {
    const tail = new CommittedTail(10, 100);
    tail.add(...appended('a', 2, 11));
    tail.add(...appended('b', 1, 13, 5));
    expect(tail.after(10, 500)).toEqual([
      [11, 'a', 0, 'a-0', 't', '{}', '{}', '2026-12-05T00:00:00.000Z'],
      [12, 'a', 1, 'a-1', 't', '{}', '{}', '2026-12-05T00:00:00.000Z'],
      [13, 'b', 5, 'b-5', 't', '{}', '{}', '2026-12-05T00:00:00.000Z'],
    ]);
    expect(positions(tail.after(12, 500))).toEqual([13]);
    expect(positions(tail.after(13, 500))).toEqual([]);
  });

  it('keeps to the count asked for, and a negative count is every row (as SQLite LIMIT)', () => {
    const tail = new CommittedTail(0, 100);
    tail.add(...appended('a', 5, 1));
    expect(positions(tail.after(1, 2))).toEqual([2, 3]);
    expect(positions(tail.after(1, -1))).toEqual([2, 3, 4, 5]);
  });

  it('answers nothing for a position before what it covers, so the read goes to the file', () => {
    const tail = new CommittedTail(10, 100);
    tail.add(...appended('a', 1, 11));
    expect(tail.after(9, 500)).toBeUndefined();
  });

  it('covers positions with gaps between appends (positions are not dense)', () => {
    const tail = new CommittedTail(0, 100);
    tail.add(...appended('a', 1, 1));
    tail.add(...appended('b', 1, 7));
    expect(positions(tail.after(3, 500))).toEqual([7]);
  });

  it('drops its oldest rows past twice its capacity and no longer answers for them', () => {
    const tail = new CommittedTail(0, 2);
    for (let position = 1; position <= 5; position++) tail.add(...appended(`s${position}`, 1, position));
    expect(tail.after(2, 500)).toBeUndefined();
    expect(positions(tail.after(3, 500))).toEqual([4, 5]);
  });
});
