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
 * collection: for each one found, the chains of references that keep it (up to `depth` steps, a few
 * of them), so that a failure says what holds on to it. What a candidate typed must be gone once the
 * form that held it is wiped.
 */
export async function leftInMemory(
  page: Page,
  values: readonly string[],
  depth = 6,
): Promise<Record<string, string[]>> {
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

/** Chains of references to the strings that contain `value`, read from the snapshot's edges. */
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
  const parents: { from: number; edge: string }[][] = Array.from({ length: count }, () => [])
  let edge = 0
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < heap.nodes[n * nodeFields + edgeCountAt]!; k++, edge += edgeFields) {
      const type = edge_types[0][heap.edges[edge + edgeTypeAt]!]
      if (type === 'weak') continue
      const name = heap.edges[edge + edgeNameAt]!
      parents[heap.edges[edge + toAt]! / nodeFields]!.push({
        from: n,
        edge: type === 'element' || type === 'hidden' ? `[${name}]` : String(heap.strings[name]),
      })
    }
  }
  const chains: string[] = []
  for (let n = 0; n < count; n++) {
    if (!String(heap.strings[heap.nodes[n * nodeFields + nameAt]!]).includes(value)) continue
    let frontier = [{ node: n, chain: label(n) }]
    const seen = new Set([n])
    for (let step = 0; step < depth && frontier.length > 0; step++) {
      frontier = frontier
        .flatMap(({ node, chain }) =>
          parents[node]!.filter(({ from }) => !seen.has(from) && seen.add(from)).map(({ from, edge }) => ({
            node: from,
            chain: `${label(from)} .${edge} → ${chain}`,
          })),
        )
        .slice(0, 5)
    }
    chains.push(...frontier.map(({ chain }) => chain))
  }
  return chains.slice(0, 10)
}
