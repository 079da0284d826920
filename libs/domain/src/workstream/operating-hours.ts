import { OperatingHours, Weekday } from './settings';

const WEEKDAYS: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday and HH:MM on the wall clock of `timeZone` at `instant`; DST is the zone database's business. */
export const localTime = (timeZone: string, instant: string): { day: Weekday; time: string } => {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return { day: WEEKDAYS[parts.weekday], time: `${parts.hour}:${parts.minute}` };
};

/** No operating hours means always open; `from` is inclusive, `to` exclusive (`24:00` = end of day). */
export const isWithinOperatingHours = (hours: OperatingHours | undefined, instant: string): boolean => {
  if (!hours) return true;
  const { day, time } = localTime(hours.timeZone, instant);
  return hours.weekly.some((slot) => slot.day === day && slot.from <= time && time < slot.to);
};
