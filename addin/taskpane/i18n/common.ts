/** Strings every pane shares: sign-in, errors, company and period, tabs. */

export type Language = 'zh-CN' | 'en'

export const en = {
  appTitle: 'Channel Ledger',
  previewBadge: 'Preview (no Excel)',
  language: 'Language',
  // sign in
  signInTitle: 'Sign in',
  serviceUrl: 'Service URL',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  required: 'Required',
  invalidUrl: 'Enter an http(s) URL, e.g. http://localhost:8787',
  wrongCredentials: 'Wrong username or password.',
  sessionExpired: 'Your session has ended. Please sign in again.',
  // errors
  serviceDown: 'Cannot reach the service at {url}. Is `cledger serve` running?',
  forbidden: 'Your role ({role}) may not do this.',
  notAvailable: '{feature} is not available on this service yet.',
  genericError: 'Something went wrong: {message}',
  // company & period
  company: 'Company (book)',
  period: 'Period',
  noCompanies: 'Your user has no company. Ask an administrator to add you to one.',
  signedInAs: '{name} · {role}',
  // tabs
  tabImport: 'Import',
  tabMatch: 'Match',
  tabPost: 'Post',
  tabReports: 'Reports',
  tabSettings: 'Settings',
  // period memory
  periodFromData: 'Period set to {period}, the latest with data.',
  importOtherPeriod: 'These files hold data of {periods}, not of the period shown ({period}).',
  switchPeriod: 'Switch to {period}',
} as const

export const zh: Record<keyof typeof en, string> = {
  appTitle: '渠道账本',
  previewBadge: '预览（无 Excel）',
  language: '语言',
  signInTitle: '登录',
  serviceUrl: '服务地址',
  username: '用户名',
  password: '密码',
  signIn: '登录',
  signingIn: '正在登录…',
  signOut: '退出',
  required: '必填',
  invalidUrl: '请输入 http(s) 地址，例如 http://localhost:8787',
  wrongCredentials: '用户名或密码错误。',
  sessionExpired: '登录已过期，请重新登录。',
  serviceDown: '无法连接服务 {url}。请确认 `cledger serve` 正在运行。',
  forbidden: '您的角色（{role}）无权执行此操作。',
  notAvailable: '此服务尚未提供“{feature}”功能。',
  genericError: '出错了：{message}',
  company: '账套',
  period: '会计期间',
  noCompanies: '您的用户尚未加入任何账套，请联系管理员。',
  signedInAs: '{name} · {role}',
  tabImport: '导入',
  tabMatch: '勾对',
  tabPost: '过账',
  tabReports: '报表',
  tabSettings: '设置',
  periodFromData: '会计期间已设为有数据的最近期间 {period}。',
  importOtherPeriod: '这些文件的数据属于 {periods}，不是当前会计期间（{period}）。',
  switchPeriod: '切换到 {period}',
}
