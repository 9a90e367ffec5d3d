/**
 * The passport rules, one import for the renderer, main and the server. Importing this is cheap:
 * the common-password dictionary loads on first use (see passwordStrength.ts).
 */
export * from './checkField'
export * from './codeRules'
export * from './emailRule'
export * from './fieldMessages'
export * from './halfWidth'
export * from './idNumberRule'
export * from './idTypes'
export * from './occupiedIdentifiers'
export * from './masking'
export * from './mobileRule'
export * from './nameRule'
export * from './passwordRule'
export * from './passwordStrength'
export * from './staffRule'
