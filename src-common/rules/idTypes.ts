import type { Locale } from '../errors'

/** The ID document types the ETEST passport accepts, in the order of the web site's drop-down. */
export const idTypes = [
  'resident',
  'hkMacauPermit',
  'taiwanPermit',
  'passport',
  'foreignPermanent',
  'hkMacauTaiwanResidence',
] as const
export type IdType = (typeof idTypes)[number]

export const idTypeLabels: Record<IdType, Record<Locale, string>> = {
  resident: { 'zh-CN': '中华人民共和国居民身份证', en: 'Resident Identity Card of the PRC' },
  hkMacauPermit: {
    'zh-CN': '港澳居民来往内地通行证',
    en: 'Mainland Travel Permit for Hong Kong and Macao Residents',
  },
  taiwanPermit: { 'zh-CN': '台湾居民来往大陆通行证', en: 'Mainland Travel Permit for Taiwan Residents' },
  passport: { 'zh-CN': '护照', en: 'Passport' },
  foreignPermanent: { 'zh-CN': '外国人永久居留身份证', en: 'Foreign Permanent Resident ID Card' },
  hkMacauTaiwanResidence: {
    'zh-CN': '港澳台居民居住证',
    en: 'Residence Permit for Hong Kong, Macao and Taiwan Residents',
  },
}

/** Documents whose holder's name is written in Chinese characters; the others carry a Latin-letter name. */
export const chineseNameIdTypes: ReadonlySet<IdType> = new Set<IdType>([
  'resident',
  'hkMacauPermit',
  'taiwanPermit',
  'hkMacauTaiwanResidence',
])

export function isIdType(value: unknown): value is IdType {
  return typeof value === 'string' && (idTypes as readonly string[]).includes(value)
}
