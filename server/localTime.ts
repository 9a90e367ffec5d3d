/**
 * A moment as the administrator's commands print it: the server machine's local time with its
 * offset from UTC (2026-11-30 14:05:12 +08:00). The operator at an exam centre reads Beijing time,
 * not UTC; the offset keeps it one exact instant, and on a machine set to UTC (a container) it
 * reads +00:00, which says so.
 */
export function localTime(ms: number): string {
  const at = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  const east = -at.getTimezoneOffset()
  const offset = `${east < 0 ? '-' : '+'}${two(Math.trunc(Math.abs(east) / 60))}:${two(Math.abs(east) % 60)}`
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())} ${offset}`
}
