import { z } from 'zod'

// PLACEHOLDER until the rules of issue 3 land: src-common/rules will replace these with the real checks.
export const idTypes = ['resident', 'hkMacauPermit', 'taiwanPermit', 'passport', 'foreignPermanent', 'hkMacauTaiwanResidence'] as const
export const fields = {
  email: z.string().trim().min(3).max(254),
  mobile: z.string().trim().min(11).max(14),
  password: z.string().min(8).max(18),
  idType: z.enum(idTypes),
  idNumber: z.string().trim().min(5).max(18),
  name: z.string().trim().min(1).max(60),
  smsCode: z.string().regex(/^\d{6}$/),
  emailCode: z.string().trim().min(6).max(12),
  token: z.string().min(16).max(256),
}
