/**
 * The V8 flags main runs with: a young generation of two 32 MB semi-spaces, V8's default being 16.
 *
 * Everything main does runs on one thread, and each young collection stops it for some milliseconds
 * (`npm run bench` prints their pauses: 5–10 ms at the median under Node 20 on the 2-core machine on
 * 2026-12-02, 1–3 ms when this was chosen; Electron's own V8 cannot be measured there). A
 * registration's enqueue makes some 150 KB of garbage (most of it the password dictionary check), so
 * with 16 MB about one in a hundred met a collection, and took 2–3 times as long as the others; with
 * 32 MB half as many do (README, "Benchmarks"). The price is up to 32 MB more memory. Those figures
 * came from a bench whose loop never turned the event loop (corrected on 2026-12-02), so V8's own
 * scavenge task, which collects between two tasks once the space is 80 % full, never ran there. Main
 * turns its loop between two IPC calls, and with the turn no timed enqueue met a collection; the
 * larger young generation now matters only for a call that allocates more than a fifth of it.
 *
 * Electron's main process takes V8 flags from its command line only (`--js-flags`, before it starts:
 * `app.commandLine.appendSwitch` reaches the renderers alone), so `npm start`, `npm run dev` and the
 * Electron test suite pass them, `npm run bench` runs its kiosk side under the same, and a unit test
 * keeps the four the same. A kiosk launched some other way says so in its log at start.
 */
export const mainJsFlags = '--max-semi-space-size=32'

/** What main logs at start when its command line's `--js-flags` lacks `mainJsFlags`, or undefined. */
export function missingJsFlags(jsFlagsSwitch: string): string | undefined {
  if (jsFlagsSwitch.split(/\s+/).includes(mainJsFlags)) return undefined
  return `started without --js-flags=${mainJsFlags} (npm start passes it): young collections come twice as often`
}
