import { join } from 'node:path'

/**
 * What staff read in the dialog when the kiosk cannot start: what happened to its data, where, and
 * what to do, in both languages (nobody has chosen one yet), then the error itself for support.
 * A damaged kiosk.db is never replaced by a new one: it may hold candidates' ops not yet sent.
 */
export function cannotStartText(error: unknown, dataDir: string): string {
  const raw = (error as { code?: unknown } | null)?.code
  // better-sqlite3 throws SQLite's extended codes (SQLITE_IOERR_SHORT_READ, SQLITE_READONLY_DBMOVED,
  // SQLITE_CORRUPT_INDEX...), as a failing disk mostly answers: each says what its primary code says.
  const code = typeof raw === 'string' ? raw.replace(/^(SQLITE_[A-Z]+?)_[A-Z_]+$/, '$1') : raw
  const detail = error instanceof Error ? error.message : String(error)
  const file = join(dataDir, 'kiosk.db')
  const said = (zh: string, en: string) => `${zh}\n\n${en}\n\n详情 / Details: ${detail}`
  switch (code) {
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return said(
        `本机数据文件已损坏：${file}\n请勿删除或覆盖该文件（其中可能有尚未提交到中心的业务），请联系技术支持检查或从备份恢复后再启动。`,
        `This kiosk's data file is damaged: ${file}\nDo not delete or replace it (it may hold requests not yet sent to the central server): ask technical support to check it or restore it from a backup, then start the kiosk again.`,
      )
    case 'SQLITE_FULL':
    case 'ENOSPC':
      return said(
        `本机数据目录所在的磁盘已满：${dataDir}\n请清理该磁盘（不要删除数据目录中的文件）后再启动。`,
        `The disk of this kiosk's data folder is full: ${dataDir}\nFree some space on it (not by deleting files in the data folder), then start the kiosk again.`,
      )
    case 'SQLITE_READONLY':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_IOERR':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return said(
        `本机无法读写数据目录：${dataDir}\n请检查该磁盘是否为只读、是否出现故障，以及本程序对该目录的读写权限，处理后再启动。`,
        `This kiosk cannot read or write its data folder: ${dataDir}\nCheck whether that disk is read-only or failing, and that the kiosk may read and write the folder, then start it again.`,
      )
    case 'SQLITE_BUSY':
      return said(
        `本机数据文件正被另一个程序使用：${file}\n请先关闭使用同一数据目录的另一个自助机程序，再启动。`,
        `This kiosk's data file is in use by another program: ${file}\nClose the other kiosk program using the same data folder, then start this one again.`,
      )
    default:
      return detail
  }
}
