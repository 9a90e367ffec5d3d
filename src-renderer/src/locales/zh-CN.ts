export default {
  brand: { title: 'ETEST 通行证', slogan: '一次注册 畅行ETEST' },
  nav: {
    register: '注册',
    reset: '重置密码',
    appeal: '信息占用申诉',
    cet: 'CET报名',
    ncre: 'NCRE报名',
    pets: 'PETS报名',
    home: '首页',
  },
  home: {
    whatIs: '什么是ETEST通行证?',
    whatIsBody1: '“ETEST通行证”可用于登录报名系统',
    whatIsBody2:
      '支持的平台有：全国大学英语四、六级考试（CET）报名系统、全国计算机等级考试（NCRE）报名系统、全国英语等级考试（PETS）报名系统。',
    whatIsBody3:
      '如果您在使用这些服务时注册过账号，则可凭此账号使用其他服务，例如：如果您报名过CET，则可凭此账号报名NCRE、PETS等，而无需再次注册账号。',
    start: '请选择要办理的业务',
    registerCard: '注册ETEST通行证',
    loginCard: 'CET报名登录',
    resetCard: '忘记密码? 重置密码',
    appealCard: '信息被占用? 信息占用申诉',
  },
  common: {
    language: 'English',
    languageLabel: '切换语言',
    version: '版本 {version}',
    disclaimer: '本流程仅供参考，请以实际页面显示内容为准',
  },
}
