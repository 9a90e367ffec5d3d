/**
 * A small typed event emitter: the outbox and the engine publish what changed, the kiosk main
 * process forwards it to the renderer and the supervisor dashboard. A listener that throws is a
 * bug in the listener; it is rethrown on a microtask so it cannot corrupt the caller's state.
 */
export type Listener<T> = (payload: T) => void

export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>()

  /** `watch` hears when an event gains or loses listeners (to subscribe upstream only when someone listens). */
  constructor(private readonly watch?: (event: keyof Events, count: number) => void) {}

  /** Returns the function that removes this listener. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as Listener<never>)
    this.watch?.(event, set.size)
    return () => {
      if (set.delete(listener as Listener<never>)) this.watch?.(event, set.size)
    }
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const listener of [...set]) {
      try {
        ;(listener as Listener<Events[K]>)(payload)
      } catch (error) {
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0
  }
}
