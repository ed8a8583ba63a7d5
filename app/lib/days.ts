// Statistics days are UTC calendar days, `YYYY-MM-DD` (DESIGN §4): [D 00:00, D+1 00:00) of server time.
const DAY_MS = 24 * 60 * 60 * 1000;

export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && formatDay(date) === value;
}

export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function dayStart(day: string): Date {
  if (!isDay(day)) throw new Error(`Not a calendar day (YYYY-MM-DD): ${day}`);
  return new Date(`${day}T00:00:00.000Z`);
}

/** The half-open UTC interval of a day. */
export function dayRange(day: string): { start: Date; end: Date } {
  const start = dayStart(day);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

export function addDays(day: string, days: number): string {
  return formatDay(new Date(dayStart(day).getTime() + days * DAY_MS));
}

/** The last complete UTC day before `now`. */
export function yesterday(now: Date): string {
  return formatDay(new Date(now.getTime() - DAY_MS));
}

/** Every day from `first` to `last`, both included. */
export function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}
