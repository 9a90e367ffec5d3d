import { describe, test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoCentralDir } from '../../../src-main/services/centralLink'
import { candidate as fixtureCandidate } from '../sync/fixtures'
import { openDemoKiosk, valueOf, type DemoKiosk } from './demoKiosk'

// Demo mode runs the reference server inside the kiosk. That server's accounts are candidates'
// personal data in clear and its keys open every sealed payload: none of it may reach the kiosk's disk.

const candidate = {
  email: 'li.lei@example.com',
  mobile: '13812340021',
  password: 'Demo#2026safe',
  idType: 'resident',
  idNumber: '11010519491231002X',
  name: '李雷',
}

// Every kiosk of this file lives in a folder of its own, so that a scan of that folder sees anything
// the kiosk or its demo server writes beside the data directory as well as in it.
const parents: string[] = []
function kioskDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'kiosk-demo-data-'))
  parents.push(parent)
  return join(parent, 'kiosk')
}
after(() => {
  for (const parent of parents) rmSync(parent, { recursive: true, force: true })
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path) : [path]
  })
}

async function register(kiosk: DemoKiosk, who: typeof candidate) {
  valueOf(await kiosk.call('sms.send', { mobile: who.mobile, purpose: 'register' }))
  const smsCode = await kiosk.codeSentTo(who.mobile)
  return kiosk.call('ops.submit', { kind: 'register', payload: { ...who, smsCode, agreed: true } })
}

async function logIn(kiosk: DemoKiosk, who: typeof candidate) {
  const { captchaId } = valueOf<{ captchaId: string }>(await kiosk.call('captcha.create'))
  return kiosk.call('auth.login', { province: '北京', idNumber: who.idNumber, password: who.password, captchaId, captcha: kiosk.captcha() })
}

describe("demo mode keeps its server's data in memory", () => {
  test('an account registered and used in demo mode leaves none of its personal data on disk', async () => {
    const dataDir = kioskDataDir()
    // Temporary files too (SQLite's and Node's go to TMPDIR): inside the folder that is scanned.
    const tmp = join(dataDir, '..', 'tmp')
    mkdirSync(tmp)
    const tmpBefore = process.env.TMPDIR
    process.env.TMPDIR = tmp
    const kiosk = await openDemoKiosk({ dataDir })
    try {
      assert.equal(tmpdir(), tmp)
      assert.equal(valueOf<{ status: string }>(await register(kiosk, candidate)).status, 'applied')
      valueOf(await logIn(kiosk, candidate))
      valueOf(await kiosk.call('auth.logout'))
      // While the kiosk runs (WAL files present) and after it has closed.
      for (const moment of ['running', 'closed']) {
        if (moment === 'closed') await kiosk.close()
        const files = filesUnder(join(dataDir, '..'))
        assert.ok(files.some((f) => f.endsWith('kiosk.db')), `kiosk.db is there (${moment})`)
        assert.equal(existsSync(demoCentralDir(dataDir)), false, `no demo server folder (${moment})`)
        for (const file of files) {
          const bytes = readFileSync(file)
          for (const value of Object.values(candidate)) {
            if (value === 'resident') continue
            assert.equal(bytes.includes(Buffer.from(value, 'utf8')), false, `${value} in ${file} (${moment})`)
          }
        }
      }
    } finally {
      await kiosk.close()
      if (tmpBefore === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = tmpBefore
    }
  })

  test('a folder where earlier versions kept the demo server in clear is removed at the next demo start', async () => {
    const dataDir = kioskDataDir()
    const legacy = demoCentralDir(dataDir)
    mkdirSync(legacy, { recursive: true })
    writeFileSync(join(legacy, 'central.db'), `accounts of an earlier demo: ${candidate.idNumber}`)
    const kiosk = await openDemoKiosk({ dataDir })
    try {
      assert.equal(existsSync(legacy), false)
    } finally {
      await kiosk.close()
    }
  })

  test('the demo lasts as long as the kiosk: a re-link keeps its accounts, a restart starts an empty demo', async () => {
    const dataDir = kioskDataDir()
    let kiosk = await openDemoKiosk({ dataDir })
    try {
      assert.equal(valueOf<{ status: string }>(await register(kiosk, candidate)).status, 'applied')
      valueOf(await kiosk.services.relink())
      valueOf(await logIn(kiosk, candidate))
      valueOf(await kiosk.call('auth.logout'))

      // An op queued while the demo server is away, when the kiosk then restarts: it was sealed to a
      // server that is gone, so the new demo server refuses it and it ends; it never waits forever.
      const other = { ...candidate, ...fixtureCandidate(21) }
      valueOf(await kiosk.call('sms.send', { mobile: other.mobile, purpose: 'register' }))
      const smsCode = await kiosk.codeSentTo(other.mobile)
      await kiosk.services.central!.demoServer!.stop()
      const queued = valueOf<{ status: string; receipt: string }>(
        await kiosk.call('ops.submit', { kind: 'register', payload: { ...other, smsCode, agreed: true } }),
      )
      assert.equal(queued.status, 'queued')
      await kiosk.close()

      kiosk = await openDemoKiosk({ dataDir })
      assert.deepEqual(await logIn(kiosk, candidate), { ok: false, error: { code: 'BAD_CREDENTIALS' } })
      assert.equal(valueOf<{ status: string }>(await register(kiosk, candidate)).status, 'applied')
      kiosk.services.engine!.syncNow()
      let status = ''
      for (let i = 0; i < 100 && status !== 'rejected'; i++) {
        status = valueOf<{ status: string }>(await kiosk.call('ops.lookup', { receipt: queued.receipt })).status
        if (status !== 'rejected') await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.equal(status, 'rejected')
    } finally {
      await kiosk.close()
    }
  })
})
