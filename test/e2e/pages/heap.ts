import type { Page } from '@playwright/test'

/** The parts of a V8 heap snapshot (DevTools' format) this file reads. */
interface HeapSnapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }
  }
  nodes: number[]
  edges: number[]
  strings: string[]
}

/**
 * Which of `values` are still somewhere in the page's JavaScript heap, after a full garbage
 * collection: for each one found, the shortest chains of references from the heap's roots that keep
 * it (the last `depth` steps, up to three chains), so that a failure says what holds on to it. What
 * a candidate typed must be gone once the form that held it is wiped. A snapshot takes Chromium 3-8 s
 * here: a caller's poll needs room for two.
 */
export async function leftInMemory(
  page: Page,
  values: readonly string[],
  depth = 40,
): Promise<Record<string, string[]>> {
  // A Vue transition still leaving (the confirm dialog fading out as the receipt shows) holds the
  // form it leaves until its timer ends it: the snapshot pauses the page for seconds, so one taken
  // before that found the form, and the next came too late for the caller's poll.
  await page.waitForFunction(() => document.querySelector('[class*="-leave-active"]') === null)
  const cdp = await page.context().newCDPSession(page)
  const chunks: string[] = []
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk))
  try {
    await cdp.send('HeapProfiler.enable')
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  } finally {
    await cdp.detach()
  }
  const heap = JSON.parse(chunks.join('')) as HeapSnapshot
  const found: Record<string, string[]> = {}
  for (const value of values) {
    if (!heap.strings.some((s) => s.includes(value))) continue
    found[value] = retainers(heap, value, depth)
  }
  return found
}

/**
 * For each string that contains `value`, the shortest chain of references from the heap's roots
 * that keeps it (V8's snapshot has a synthetic root, node 0), read from the snapshot's edges; weak
 * references keep nothing and are not followed. `depth` steps at most are shown, those nearest to the
 * string.
 */
function retainers(heap: HeapSnapshot, value: string, depth: number): string[] {
  const { node_fields, node_types, edge_fields, edge_types } = heap.snapshot.meta
  const nodeFields = node_fields.length
  const edgeFields = edge_fields.length
  const [nameAt, typeAt, edgeCountAt] = ['name', 'type', 'edge_count'].map((f) => node_fields.indexOf(f)) as [
    number,
    number,
    number,
  ]
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) =>
    edge_fields.indexOf(f),
  ) as [number, number, number]
  const count = heap.nodes.length / nodeFields
  const label = (n: number) =>
    `${node_types[0][heap.nodes[n * nodeFields + typeAt]!]}:${String(heap.strings[heap.nodes[n * nodeFields + nameAt]!]).slice(0, 50)}`
  const firstEdge = new Int32Array(count + 1)
  for (let n = 0; n < count; n++) firstEdge[n + 1] = firstEdge[n]! + heap.nodes[n * nodeFields + edgeCountAt]! * edgeFields
  const edgeLabel = (edge: number) => {
    const type = edge_types[0][heap.edges[edge + edgeTypeAt]!]
    const name = heap.edges[edge + edgeNameAt]!
    return type === 'element' || type === 'hidden' ? `[${name}]` : String(heap.strings[name])
  }
  const isWeakTable = (n: number) => node_types[0][heap.nodes[n * nodeFields + typeAt]!] === 'array'
  // Breadth first from the root: each node's parent on a shortest path, and the edge taken.
  const parent = new Int32Array(count).fill(-1)
  const via = new Int32Array(count).fill(-1)
  parent[0] = 0
  const queue = [0]
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!
    for (let edge = firstEdge[n]!; edge < firstEdge[n + 1]!; edge += edgeFields) {
      if (edge_types[0][heap.edges[edge + edgeTypeAt]!] === 'weak') continue
      // A WeakMap's table holds a value only while its key lives: the path goes through the key.
      if (isWeakTable(n) && edgeLabel(edge).includes(' pair in WeakMap')) continue
      const to = heap.edges[edge + toAt]! / nodeFields
      if (parent[to] !== -1) continue
      parent[to] = n
      via[to] = edge
      queue.push(to)
    }
  }
  const chains: string[] = []
  for (let n = 0; n < count && chains.length < 3; n++) {
    if (!String(heap.strings[heap.nodes[n * nodeFields + nameAt]!]).includes(value)) continue
    if (parent[n] === -1) {
      chains.push(`(unreachable, not yet collected) ${label(n)}`)
      continue
    }
    const steps: string[] = [label(n)]
    for (let at = n; at !== 0 && steps.length <= depth; at = parent[at]!) steps.unshift(`${label(parent[at]!)} .${edgeLabel(via[at]!)} →`)
    chains.push(steps.join(' '))
  }
  return chains
}
