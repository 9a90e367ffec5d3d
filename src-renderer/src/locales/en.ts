import type zhCN from './zh-CN'

const en: typeof zhCN = {
  brand: { title: 'ETEST Passport', slogan: 'Register once, take any ETEST exam' },
  nav: {
    register: 'Register',
    reset: 'Reset password',
    appeal: 'Information occupied appeal',
    cet: 'CET',
    ncre: 'NCRE',
    pets: 'PETS',
    home: 'Home',
  },
  home: {
    whatIs: 'What is the ETEST passport?',
    whatIsBody1: 'The ETEST passport logs you in to the exam registration systems.',
    whatIsBody2:
      'Supported: the College English Test (CET), the National Computer Rank Examination (NCRE) and the Public English Test System (PETS) registration systems.',
    whatIsBody3:
      'If you registered an account for one of them, the same account works for the others: after registering for CET you can register for NCRE or PETS without a new account.',
    start: 'Choose what you want to do',
    registerCard: 'Register an ETEST passport',
    loginCard: 'CET registration log-in',
    resetCard: 'Forgot your password? Reset it',
    appealCard: 'Information occupied? File an appeal',
  },
  common: {
    language: '中文',
    languageLabel: 'Switch language',
    version: 'Version {version}',
    disclaimer: 'This flow is for reference only; what the pages show is authoritative.',
  },
}
export default en
