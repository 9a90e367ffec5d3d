import type { z } from 'zod'
import { fail, type KioskError, type Result } from '../../src-common/errors'
import { fieldErrorOf } from '../../src-common/fields'
import { isStorageFault } from '../../sync/storageFault'
import { callChannel, kioskCalls, type CallInput, type CallOutput, type KioskNamespace } from '../../src-common/kioskApi'

type Calls = typeof kioskCalls

/** One handler per contract entry: the compiler refuses a missing or misspelt one. */
export type KioskHandlers = {
  [N in KioskNamespace]: {
    [M in keyof Calls[N]]: (input: z.output<Calls[N][M] extends { input: infer I extends z.ZodType } ? I : never>) => Promise<
      Result<CallOutput<N, M>>
    >
  }
}

export interface KioskDispatcher {
  channels: string[]
  invoke(channel: string, rawInput: unknown): Promise<Result<unknown>>
}

export interface DispatcherOptions {
  /** Called with a bug (a handler that threw or answered off-contract); never with candidate data. */
  onBug?: (channel: string, error: unknown) => void
  /** Called when kiosk.db refused what a handler did (the disk full, read-only, damaged): not a bug, staff's to fix. */
  onStorageFault?: (channel: string, error: unknown) => void
}

/** Turns a zod failure into the typed error the renderer shows next to the field. */
export function invalidInput(error: z.ZodError): { ok: false; error: KioskError } {
  const { code: _code, ...detail } = fieldErrorOf(error)
  return fail('INVALID_FIELD', detail)
}

/**
 * The authoritative entry to main: every input is parsed against the contract before its handler
 * runs, so a handler only ever sees valid, typed input; a bad input gets INVALID_FIELD, not a crash.
 */
export function createKioskDispatcher(handlers: KioskHandlers, options: DispatcherOptions = {}): KioskDispatcher {
  const routes = new Map<string, { input: z.ZodType; output: z.ZodType; run: (input: unknown) => Promise<Result<unknown>> }>()
  for (const [namespace, methods] of Object.entries(kioskCalls)) {
    for (const [method, spec] of Object.entries(methods)) {
      const handler = (handlers as unknown as Record<string, Record<string, (input: unknown) => Promise<Result<unknown>>>>)[
        namespace
      ]?.[method]
      if (!handler) throw new Error(`no handler for ${namespace}.${method}`)
      routes.set(callChannel(namespace, method), { input: spec.input, output: spec.output, run: handler })
    }
  }
  return {
    channels: [...routes.keys()],
    async invoke(channel, rawInput) {
      const route = routes.get(channel)
      if (!route) return fail('BAD_REQUEST')
      const parsed = route.input.safeParse(rawInput)
      if (!parsed.success) return invalidInput(parsed.error)
      try {
        const result = await route.run(parsed.data)
        if (!result.ok) return result
        const output = route.output.safeParse(result.value)
        if (!output.success) {
          options.onBug?.(channel, output.error)
          return fail('INTERNAL')
        }
        return { ok: true, value: output.data }
      } catch (error) {
        // Staff's action on a full disk (a cancel, a setting) read 系统繁忙，请稍后再试, which waiting
        // does not mend; this says to check the disk (supervisor.errorTexts).
        if (isStorageFault(error)) {
          options.onStorageFault?.(channel, error)
          return fail('STORAGE_UNAVAILABLE')
        }
        options.onBug?.(channel, error)
        return fail('INTERNAL')
      }
    },
  }
}

export type { CallInput, CallOutput }
