import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { SetupInput } from '../../../src-main/services/supervisor/supervisorStore'
import { kioskDir } from './supervisorFixture'

const wizard: SetupInput = {
  kioskName: '一号机',
  examCentre: '北京大学考点',
  centralUrl: 'https://passport.example.cn',
  pin: '482913',
}

describe('first-start set-up', () => {
  test('a new kiosk is not set up; after the wizard it is, with its name, centre, URL and PIN', async () => {
    const kiosk = kioskDir()
    const store = kiosk.open()
    assert.equal(store.setup.isSetUp(), false)
    assert.equal(store.pin.isSet(), false)

    const done = await store.setup.completeSetup(wizard, { name: '王老师' })

    assert.equal(done.ok, true)
    assert.equal(store.setup.isSetUp(), true)
    store.close()
    const restarted = kiosk.open()
    assert.equal(restarted.setup.isSetUp(), true)
    assert.deepEqual(
      [
        restarted.settings.get().kioskName,
        restarted.settings.get().examCentre,
        restarted.settings.get().centralUrl,
      ],
      ['一号机', '北京大学考点', 'https://passport.example.cn'],
    )
    assert.equal((await restarted.session.enter('482913')).ok, true)
    assert.equal(
      restarted.audit.list().entries.find((entry) => entry.action === 'setup')?.actor?.name,
      '王老师',
    )
  })

  test('demo mode sets up without a central URL', async () => {
    const store = kioskDir().open()
    const done = await store.setup.completeSetup({ ...wizard, centralUrl: null })
    assert.equal(done.ok && done.value.centralUrl, null)
    assert.deepEqual(store.audit.list({ limit: 1 }).entries[0]?.detail, { demo: true })
  })

  test('bad wizard input is refused by field name and nothing is stored', async () => {
    const store = kioskDir().open()
    const cases: [Partial<Record<keyof SetupInput, unknown>>, string][] = [
      [{ pin: '12345' }, 'pin'],
      [{ pin: '12345a' }, 'pin'],
      [{ kioskName: '   ' }, 'kioskName'],
      [{ examCentre: 'x'.repeat(129) }, 'examCentre'],
      [{ centralUrl: 'javascript:alert(1)' }, 'centralUrl'],
      [{ centralUrl: 'http://passport.example.cn' }, 'centralUrl'],
    ]
    for (const [change, field] of cases) {
      const answer = await store.setup.completeSetup({ ...wizard, ...change } as SetupInput)
      assert.deepEqual(answer, { ok: false, error: { code: 'INVALID_FIELD', field } }, field)
    }
    assert.equal(store.setup.isSetUp(), false)
    assert.equal(store.audit.list().total, 0)
  })

  test('once set up, the wizard cannot run again (that would bypass the PIN)', async () => {
    const store = kioskDir().open()
    await store.setup.completeSetup(wizard)
    const again = await store.setup.completeSetup({ ...wizard, pin: '111111' })
    assert.deepEqual(again, { ok: false, error: { code: 'UNAUTHORIZED' } })
    assert.equal((await store.pin.verify('482913')).ok, true)
  })

  test('two wizards finishing at the same moment: one wins, the other is refused', async () => {
    const store = kioskDir().open()
    const answers = await Promise.all([
      store.setup.completeSetup(wizard),
      store.setup.completeSetup({ ...wizard, kioskName: '二号机', pin: '222222' }),
    ])
    assert.deepEqual(answers.map((answer) => answer.ok).sort(), [false, true])
    assert.equal(store.audit.list().entries.filter((entry) => entry.action === 'setup').length, 1)
  })
})
