/** IMF-fixdate, the form servers send: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
/** The two obsolete forms a recipient still accepts: RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). */
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * How long an HTTP `Retry-After` header asks to wait, in ms (RFC 9110 §10.2.3): delay-seconds
 * (digits only), or an HTTP-date (a date already past: 0). Absent or malformed: undefined, and
 * the caller keeps its own pace. Only the RFC's date forms are read — `Date.parse` alone would
 * take `"1 2"` for a date in 2001. Callers cap the wait: a header is the other side's wish.
 * @example retryAfterMs('3') // 3000
 * @example retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT') // 0
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  // Nine digits are over 31 years: beyond that, a number is no wait anyone means.
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  if (!IMF_FIXDATE.test(value) && !RFC850_DATE.test(value) && !ASCTIME_DATE.test(value)) return undefined;
  const at = Date.parse(ASCTIME_DATE.test(value) ? `${value} GMT` : value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
