import { loadPasswordDictionary } from '../../src-common/rules/passwordStrength'
import { payloadOf } from '../integration/sync/fixtures'
const z = await loadPasswordDictionary()
const pws = Array.from({length:2000},(_, i)=> (payloadOf('register', i) as any).password as string)
console.log('---start')
for (const p of pws) z.check(p, [])
console.log('---end')
