import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3 is compiled against one ABI at a time. node_modules keeps the Node build (tests,
 * sync, server); scripts/electron-native.mjs puts an Electron build in native/electron/ at install.
 * Inside Electron we point better-sqlite3 at that one, so neither runtime ever rebuilds the other's.
 */
export function betterSqliteBinding(appRoot: string, versions: NodeJS.ProcessVersions = process.versions): string | undefined {
  if (!versions.electron) return undefined
  const file = join(appRoot, 'native', 'electron', 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}
