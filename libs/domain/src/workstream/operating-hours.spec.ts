/** Operating hours: a weekly schedule on the wall clock of a time zone; `from` inclusive, `to` exclusive. */
import { isWithinOperatingHours, localTime } from './operating-hours';
import { OperatingHours, Weekday } from './settings';

const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The same hours every day of the week. */
const everyDay = (timeZone: string, from: string, to: string): OperatingHours => ({
  timeZone,
  weekly: DAYS.map((day) => ({ day, from, to })),
});

const COPENHAGEN = everyDay('Europe/Copenhagen', '09:00', '17:00');
const NEW_YORK = everyDay('America/New_York', '09:00', '17:00');

/** [instant (UTC), local wall-clock time, open?] */
type Row = [string, string, boolean];

const expectRows = (hours: OperatingHours, rows: Row[]) => {
  for (const [instant, local, open] of rows) {
    expect({
      instant,
      local: localTime(hours.timeZone, instant).time,
      open: isWithinOperatingHours(hours, instant),
    }).toEqual({
      instant,
      local,
      open,
    });
  }
};

describe('no operating hours', () => {
  it.each(['2026-11-21T03:00:00.000Z', '2026-11-23T12:00:00.000Z', '2026-03-29T01:30:00.000Z'])(
    'always open: %s',
    (instant) => {
      expect(isWithinOperatingHours(undefined, instant)).toBe(true);
    },
  );
});

describe('Europe/Copenhagen, 09:00–17:00 every day', () => {
  it('winter (CET, UTC+1): opens at 09:00 local, closes at 17:00 local', () => {
    expectRows(COPENHAGEN, [
      ['2026-11-23T07:59:59.000Z', '08:59', false],
      ['2026-11-23T08:00:00.000Z', '09:00', true],
      ['2026-11-23T15:59:59.000Z', '16:59', true],
      ['2026-11-23T16:00:00.000Z', '17:00', false],
    ]);
  });

  it('summer (CEST, UTC+2): opens at 09:00 local, closes at 17:00 local', () => {
    expectRows(COPENHAGEN, [
      ['2026-06-15T06:59:00.000Z', '08:59', false],
      ['2026-06-15T07:00:00.000Z', '09:00', true],
      ['2026-06-15T14:59:00.000Z', '16:59', true],
      ['2026-06-15T15:00:00.000Z', '17:00', false],
    ]);
  });

  it('across the spring change (Sunday 2026-03-29, 02:00 → 03:00): the same local hours, one UTC hour earlier', () => {
    expectRows(COPENHAGEN, [
      // Saturday, still CET
      ['2026-03-28T07:59:00.000Z', '08:59', false],
      ['2026-03-28T08:00:00.000Z', '09:00', true],
      ['2026-03-28T15:59:00.000Z', '16:59', true],
      ['2026-03-28T16:00:00.000Z', '17:00', false],
      // Sunday, CEST from 01:00 UTC
      ['2026-03-29T06:59:00.000Z', '08:59', false],
      ['2026-03-29T07:00:00.000Z', '09:00', true],
      ['2026-03-29T14:59:00.000Z', '16:59', true],
      ['2026-03-29T15:00:00.000Z', '17:00', false],
    ]);
  });

  it('across the autumn change (Sunday 2026-10-25, 03:00 → 02:00): the same local hours, one UTC hour later', () => {
    expectRows(COPENHAGEN, [
      // Saturday, still CEST
      ['2026-10-24T06:59:00.000Z', '08:59', false],
      ['2026-10-24T07:00:00.000Z', '09:00', true],
      ['2026-10-24T14:59:00.000Z', '16:59', true],
      ['2026-10-24T15:00:00.000Z', '17:00', false],
      // Sunday, CET from 01:00 UTC
      ['2026-10-25T07:59:00.000Z', '08:59', false],
      ['2026-10-25T08:00:00.000Z', '09:00', true],
      ['2026-10-25T15:59:00.000Z', '16:59', true],
      ['2026-10-25T16:00:00.000Z', '17:00', false],
    ]);
  });

  it('a 02:00–03:00 slot never opens on the spring-change night: the wall clock skips that hour', () => {
    const night: OperatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [{ day: 'sun', from: '02:00', to: '03:00' }],
    };
    expectRows(night, [
      ['2026-03-29T00:59:00.000Z', '01:59', false],
      ['2026-03-29T01:00:00.000Z', '03:00', false],
    ]);
    // A week later the hour exists again.
    expectRows(night, [['2026-04-05T00:30:00.000Z', '02:30', true]]);
  });

  it('a 02:00–03:00 slot is open for both passes of that hour on the autumn-change night', () => {
    const night: OperatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [{ day: 'sun', from: '02:00', to: '03:00' }],
    };
    expectRows(night, [
      ['2026-10-24T23:59:00.000Z', '01:59', false],
      ['2026-10-25T00:00:00.000Z', '02:00', true], // CEST
      ['2026-10-25T00:59:00.000Z', '02:59', true],
      ['2026-10-25T01:00:00.000Z', '02:00', true], // CET: the same hour again
      ['2026-10-25T01:59:00.000Z', '02:59', true],
      ['2026-10-25T02:00:00.000Z', '03:00', false],
    ]);
  });
});

describe('America/New_York, 09:00–17:00 every day', () => {
  it('across the spring change (Sunday 2026-03-08, EST → EDT)', () => {
    expectRows(NEW_YORK, [
      // Saturday, EST (UTC-5)
      ['2026-03-07T13:59:00.000Z', '08:59', false],
      ['2026-03-07T14:00:00.000Z', '09:00', true],
      ['2026-03-07T21:59:00.000Z', '16:59', true],
      ['2026-03-07T22:00:00.000Z', '17:00', false],
      // Sunday, EDT (UTC-4)
      ['2026-03-08T12:59:00.000Z', '08:59', false],
      ['2026-03-08T13:00:00.000Z', '09:00', true],
      ['2026-03-08T20:59:00.000Z', '16:59', true],
      ['2026-03-08T21:00:00.000Z', '17:00', false],
    ]);
  });

  it('across the autumn change (Sunday 2026-11-01, EDT → EST)', () => {
    expectRows(NEW_YORK, [
      // Saturday, EDT
      ['2026-10-31T12:59:00.000Z', '08:59', false],
      ['2026-10-31T13:00:00.000Z', '09:00', true],
      ['2026-10-31T20:59:00.000Z', '16:59', true],
      ['2026-10-31T21:00:00.000Z', '17:00', false],
      // Sunday, EST
      ['2026-11-01T13:59:00.000Z', '08:59', false],
      ['2026-11-01T14:00:00.000Z', '09:00', true],
      ['2026-11-01T21:59:00.000Z', '16:59', true],
      ['2026-11-01T22:00:00.000Z', '17:00', false],
    ]);
  });

  it('the weekday is the local one: Friday 23:30 in New York is Saturday in UTC', () => {
    const fridayLate: OperatingHours = {
      timeZone: 'America/New_York',
      weekly: [{ day: 'fri', from: '23:00', to: '24:00' }],
    };
    const saturdayLate: OperatingHours = {
      timeZone: 'America/New_York',
      weekly: [{ day: 'sat', from: '23:00', to: '24:00' }],
    };
    const instant = '2026-11-21T04:30:00.000Z'; // Saturday 04:30 UTC = Friday 23:30 EST
    expect(localTime('America/New_York', instant)).toEqual({ day: 'fri', time: '23:30' });
    expect(isWithinOperatingHours(fridayLate, instant)).toBe(true);
    expect(isWithinOperatingHours(saturdayLate, instant)).toBe(false);
  });
});

describe('the weekly schedule', () => {
  const weekdays: OperatingHours = {
    timeZone: 'Europe/Copenhagen',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[]).map((day) => ({ day, from: '09:00', to: '17:00' })),
  };

  it('only the listed days: a Saturday at noon is closed, the Monday after is open', () => {
    expect(isWithinOperatingHours(weekdays, '2026-11-21T11:00:00.000Z')).toBe(false); // Sat 12:00
    expect(isWithinOperatingHours(weekdays, '2026-11-22T11:00:00.000Z')).toBe(false); // Sun 12:00
    expect(isWithinOperatingHours(weekdays, '2026-11-23T11:00:00.000Z')).toBe(true); // Mon 12:00
  });

  it('several slots on one day, with a lunch break between them', () => {
    const split: OperatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [
        { day: 'mon', from: '09:00', to: '12:00' },
        { day: 'mon', from: '13:00', to: '17:00' },
      ],
    };
    expectRows(split, [
      ['2026-11-23T07:59:00.000Z', '08:59', false],
      ['2026-11-23T08:00:00.000Z', '09:00', true],
      ['2026-11-23T10:59:00.000Z', '11:59', true],
      ['2026-11-23T11:00:00.000Z', '12:00', false],
      ['2026-11-23T11:59:00.000Z', '12:59', false],
      ['2026-11-23T12:00:00.000Z', '13:00', true],
      ['2026-11-23T15:59:00.000Z', '16:59', true],
      ['2026-11-23T16:00:00.000Z', '17:00', false],
    ]);
  });

  it('`to` is exclusive: adjacent slots leave no gap and no overlap', () => {
    const adjacent: OperatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [
        { day: 'mon', from: '09:00', to: '12:00' },
        { day: 'mon', from: '12:00', to: '17:00' },
      ],
    };
    expect(isWithinOperatingHours(adjacent, '2026-11-23T11:00:00.000Z')).toBe(true); // 12:00
    const morningOnly: OperatingHours = { ...adjacent, weekly: [adjacent.weekly[0]] };
    expect(isWithinOperatingHours(morningOnly, '2026-11-23T10:59:59.999Z')).toBe(true); // 11:59:59.999
    expect(isWithinOperatingHours(morningOnly, '2026-11-23T11:00:00.000Z')).toBe(false); // 12:00
  });

  it('`24:00` is the end of the day: open until midnight, and midnight belongs to the next day', () => {
    const evening: OperatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [{ day: 'mon', from: '18:00', to: '24:00' }],
    };
    expectRows(evening, [
      ['2026-11-23T16:59:00.000Z', '17:59', false],
      ['2026-11-23T17:00:00.000Z', '18:00', true],
      ['2026-11-23T22:59:59.000Z', '23:59', true],
      ['2026-11-23T23:00:00.000Z', '00:00', false], // Tuesday 00:00
    ]);
  });

  it('a slot from 00:00 opens at midnight (the wall clock says 00, never 24)', () => {
    const night: OperatingHours = {
      timeZone: 'Europe/Copenhagen',
      weekly: [{ day: 'tue', from: '00:00', to: '06:00' }],
    };
    expect(localTime('Europe/Copenhagen', '2026-11-23T23:00:00.000Z')).toEqual({ day: 'tue', time: '00:00' });
    expect(isWithinOperatingHours(night, '2026-11-23T22:59:59.000Z')).toBe(false); // Mon 23:59:59
    expect(isWithinOperatingHours(night, '2026-11-23T23:00:00.000Z')).toBe(true); // Tue 00:00
    expect(isWithinOperatingHours(night, '2026-11-24T05:00:00.000Z')).toBe(false); // Tue 06:00
  });

  it('the whole day, 00:00–24:00', () => {
    const allDay: OperatingHours = {
      timeZone: 'America/New_York',
      weekly: [{ day: 'wed', from: '00:00', to: '24:00' }],
    };
    expect(isWithinOperatingHours(allDay, '2026-11-25T05:00:00.000Z')).toBe(true); // Wed 00:00 EST
    expect(isWithinOperatingHours(allDay, '2026-11-26T04:59:59.000Z')).toBe(true); // Wed 23:59:59
    expect(isWithinOperatingHours(allDay, '2026-11-26T05:00:00.000Z')).toBe(false); // Thu 00:00
    expect(isWithinOperatingHours(allDay, '2026-11-25T04:59:59.000Z')).toBe(false); // Tue 23:59:59
  });
});
