import type { EventPayload, KioskEventName } from '../../src-common/kioskApi'

type Listener = (event: KioskEventName, payload: unknown) => void

/** Main-to-renderer events: services emit here, the shell (or the test harness) forwards them. */
export class KioskEventBus {
  readonly #listeners = new Set<Listener>()

  on(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  emit<E extends KioskEventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners) listener(event, payload)
  }
}
