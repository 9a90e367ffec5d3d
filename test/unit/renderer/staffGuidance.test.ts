import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { KioskError } from '../../../src-common/errors'

// The renderer's files are typed by tsconfig.web.json, not this project's: loaded by URL, as locales.test.ts does.
const { guidanceKey } = (await import(new URL('../../../src-renderer/src/supervisor/supervisorErrors.ts', import.meta.url).href)) as {
  guidanceKey: (error: KioskError, kind?: string) => string
}

test("an op whose answer the kiosk's disk refused is saved and sent again: staff read so, not 'go to the service desk'", () => {
  assert.equal(guidanceKey({ code: 'STORAGE_UNAVAILABLE' }), 'supervisor.guidance.passing')
})
