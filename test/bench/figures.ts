/** One measured figure, printed beside the target it is measured against in the same run. */
export interface Figure {
  name: string
  value: number
  unit: string
  /** What the figure is compared with; absent for figures that are only reported. */
  target?: { op: '>=' | '<='; value: number; label: string }
  /** Context printed after the figure (what the target was computed from). */
  note?: string
}

export interface Bench {
  name: string
  /** Why the bench cannot run on this machine (it is then skipped, saying so), or undefined. */
  unavailable?(): string | undefined
  run(): Promise<Figure[]>
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] as number
}

export const met = (f: Figure): boolean | null =>
  f.target === undefined ? null : f.target.op === '>=' ? f.value >= f.target.value : f.value <= f.target.value

export function format(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Math.abs(n) >= 100) return n.toFixed(0)
  if (Math.abs(n) >= 1) return n.toFixed(2)
  return n.toFixed(3)
}
