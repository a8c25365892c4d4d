/**
 * @module
 * The daily digest: after a day ends in a form's time zone, one email per recipient with the
 * counts and the list of that day's leads. The cron asks every five minutes; the first run after
 * midnight writes the digest (once per form, day and recipient: the table's unique key), a day
 * without leads writes none.
 */
import type { FormsConfig } from '../../shared/forms-config.ts'
import { insertDigestNotifications } from '../db/notifications.ts'

export interface Day {
  /** YYYY-MM-DD in the time zone. */
  day: string
  /** Its first instant and the first instant of the next day, in UTC (ISO-8601). */
  start: string
  end: string
}

/** Writes the digests of the day that ended last in each digest form's time zone; answers how many. */
export async function writeDigests(
  db: D1Database,
  forms: FormsConfig,
  now: number
): Promise<number> {
  let written = 0
  for (const [formId, form] of Object.entries(forms)) {
    if (form.notify?.digest !== 'daily') continue
    const { day, start, end } = previousDay(now, form.notify.timeZone)
    written += await insertDigestNotifications(
      db,
      { formId, day, start, end },
      form.notify.email,
      new Date(now).toISOString()
    )
  }
  return written
}

/**
 * The day before the one `now` falls on in `timeZone`.
 *
 * @example previousDay(Date.parse('2026-11-30T03:00:00Z'), 'America/New_York')
 * // { day: '2026-11-28', start: '2026-11-28T05:00:00.000Z', end: '2026-11-29T05:00:00.000Z' }
 */
export function previousDay(now: number, timeZone: string): Day {
  const today = localDate(now, timeZone)
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const day = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10)
  return {
    day,
    start: new Date(startOf(day, timeZone)).toISOString(),
    end: new Date(startOf(today, timeZone)).toISOString(),
  }
}

function localDate(instant: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant)
}

/** The first instant of a local day: midnight, less the zone's offset then. */
function startOf(day: string, timeZone: string): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`)
  // The offset at UTC midnight first, then at the instant that gives (the offset may change
  // between the two, on a daylight-saving day).
  const first = midnightUtc - offsetAt(midnightUtc, timeZone)
  return midnightUtc - offsetAt(first, timeZone)
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)])
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>
  const wall = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second
  )
  return wall - Math.floor(instant / 1000) * 1000
}
