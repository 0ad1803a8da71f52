// @vitest-environment jsdom
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderManifest } from '../../addin/manifest.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const template = readFileSync(join(ROOT, 'addin/manifest.template.xml'), 'utf8')
const committed = readFileSync(join(ROOT, 'manifest.xml'), 'utf8')
const BASE = 'https://localhost:8787'

function parse(xml: string): Document {
  const document = new DOMParser().parseFromString(xml, 'application/xml')
  const error = document.getElementsByTagName('parsererror')[0]
  if (error !== undefined) throw new Error(`manifest is not well-formed XML: ${error.textContent ?? ''}`)
  return document
}

const manifest = parse(committed)
const root = manifest.documentElement
const XSI = 'http://www.w3.org/2001/XMLSchema-instance'

const childNames = (element: Element) => [...element.children].map((child) => child.localName)
const all = (name: string) => [...manifest.getElementsByTagNameNS('*', name)]
function one(parent: Element | Document, name: string): Element {
  const found = [...parent.getElementsByTagNameNS('*', name)]
  expect(found, `exactly one <${name}>`).toHaveLength(1)
  const [element] = found
  if (element === undefined) throw new Error(`no <${name}>`)
  return element
}
function child(parent: Element, name: string): Element {
  const found = [...parent.children].filter((element) => element.localName === name)
  expect(found, `one child <${name}>`).toHaveLength(1)
  const [element] = found
  if (element === undefined) throw new Error(`no child <${name}>`)
  return element
}
function byType(name: string, type: string): Element {
  const element = all(name).find((candidate) => candidate.getAttributeNS(XSI, 'type') === type)
  if (element === undefined) throw new Error(`no <${name} xsi:type="${type}">`)
  return element
}
const resourceIds = () => [...one(manifest, 'Resources').querySelectorAll('[id]')].map((element) => element.getAttribute('id') ?? '')
function resource(id: string): Element {
  const found = [...one(manifest, 'Resources').querySelectorAll('[id]')].filter((element) => element.getAttribute('id') === id)
  expect(found, `resource ${id}`).toHaveLength(1)
  const [element] = found
  if (element === undefined) throw new Error(`no resource ${id}`)
  return element
}

describe('manifest.xml', () => {
  it('is generated from the template for the default service URL, not hand-edited', () => {
    expect(committed).toBe(renderManifest(template, BASE))
    expect(committed).not.toContain('{{')
  })

  it('is a task pane app with a GUID id, 4-part version and the top-level elements in schema order', () => {
    expect(root.localName).toBe('OfficeApp')
    expect(root.getAttributeNS(XSI, 'type')).toBe('TaskPaneApp')
    expect(one(root, 'Id').textContent).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(root.getElementsByTagName('Version')[0]?.textContent).toMatch(/^\d+\.\d+\.\d+\.\d+$/)
    expect(childNames(root)).toEqual([
      'Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl',
      'SupportUrl', 'AppDomains', 'Hosts', 'Requirements', 'DefaultSettings', 'Permissions', 'VersionOverrides',
    ])
    expect(one(root, 'Permissions').textContent).toBe('ReadWriteDocument')
  })

  it('requires the shared runtime and the custom-functions runtime', () => {
    const sets = all('Set').map((set) => [set.getAttribute('Name'), set.getAttribute('MinVersion')])
    expect(sets).toContainEqual(['SharedRuntime', '1.1'])
    expect(sets).toContainEqual(['CustomFunctionsRuntime', '1.1'])
    expect(sets).toContainEqual(['ExcelApi', '1.7'])
  })

  it('runs task pane, ribbon button and functions in one long-lived runtime', () => {
    const host = byType('Host', 'Workbook')
    expect(childNames(host)).toEqual(['Runtimes', 'AllFormFactors', 'DesktopFormFactor'])
    const runtimes = all('Runtime')
    expect(runtimes.map((runtime) => [runtime.getAttribute('resid'), runtime.getAttribute('lifetime')])).toEqual([['Taskpane.Url', 'long']])
    const functions = byType('ExtensionPoint', 'CustomFunctions')
    expect(childNames(functions)).toEqual(['Script', 'Page', 'Metadata', 'Namespace'])
    expect(functions.querySelector('Page > SourceLocation')?.getAttribute('resid')).toBe('Taskpane.Url')
    expect(one(manifest, 'FunctionFile').getAttribute('resid')).toBe('Taskpane.Url')
    expect(childNames(one(manifest, 'DesktopFormFactor'))).toEqual(['GetStarted', 'FunctionFile', 'ExtensionPoint'])
    const action = byType('Action', 'ShowTaskpane')
    expect(action.querySelector('SourceLocation')?.getAttribute('resid')).toBe('Taskpane.Url')
    expect(all('TaskpaneId'), 'one task pane per shared runtime: no TaskpaneId').toEqual([])
  })

  it('names the functions namespace LEDGER', () => {
    const namespace = one(manifest, 'Namespace').getAttribute('resid') ?? ''
    expect(resource(namespace).getAttribute('DefaultValue')).toBe('LEDGER')
  })

  it('resolves every resid to exactly one resource, uses every resource, keeps ids short and unique', () => {
    const referenced = [...manifest.querySelectorAll('[resid]')].map((element) => element.getAttribute('resid') ?? '')
    for (const id of referenced) resource(id)
    const ids = resourceIds()
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.filter((id) => !referenced.includes(id))).toEqual([])
    for (const id of [...ids, ...referenced]) expect(id.length).toBeLessThanOrEqual(32)
    const controlIds = [...manifest.querySelectorAll('Group[id], Control[id]')].map((element) => element.getAttribute('id'))
    expect(new Set(controlIds).size).toBe(controlIds.length)
  })

  it('points every URL at the service over https and at files the build produces', () => {
    const urls = [
      ...all('SourceLocation').map((element) => element.getAttribute('DefaultValue')).filter((value) => value !== null),
      ...[...manifest.querySelectorAll('[DefaultValue^="http"]')].map((element) => element.getAttribute('DefaultValue') ?? ''),
      one(manifest, 'AppDomain').textContent ?? '',
    ]
    expect(urls.length).toBeGreaterThan(8)
    for (const url of urls) expect(new URL(url).origin).toBe(BASE)
    const files = urls.map((url) => new URL(url).pathname).filter((path) => path.startsWith('/addin/'))
    const sources: Record<string, string> = {
      '/addin/taskpane.html': 'addin/taskpane.html',
      '/addin/functions.js': 'addin/public/functions.js',
      '/addin/functions.json': 'addin/functions/build-metadata.ts',
    }
    for (const path of files) {
      const source = sources[path] ?? path.replace('/addin/', 'addin/public/')
      expect(existsSync(join(ROOT, source)), `${path} comes from ${source}`).toBe(true)
    }
    for (const size of ['16', '32', '80']) expect(resource(`Icon.${size}x${size}`).getAttribute('DefaultValue')).toBe(`${BASE}/addin/icons/icon-${size}.png`)
  })

  it('has zh-CN display strings for every visible label and respects string length limits', () => {
    const displayName = child(root, 'DisplayName')
    expect(displayName.querySelector('Override[Locale="zh-CN"]')?.getAttribute('Value')).toBe('渠道账本')
    expect(child(root, 'Description').querySelector('Override[Locale="zh-CN"]')).not.toBeNull()
    for (const id of ['Group.Label', 'TaskpaneButton.Label', 'TaskpaneButton.Tooltip', 'GetStarted.Title', 'GetStarted.Description']) {
      expect(resource(id).getElementsByTagNameNS('*', 'Override')[0]?.getAttribute('Locale'), id).toBe('zh-CN')
    }
    for (const short of one(manifest, 'ShortStrings').children) expect((short.getAttribute('DefaultValue') ?? '').length).toBeLessThanOrEqual(125)
    for (const long of one(manifest, 'LongStrings').children) expect((long.getAttribute('DefaultValue') ?? '').length).toBeLessThanOrEqual(250)
  })

  it('renders other environments and refuses plain http off localhost', () => {
    const staging = parse(renderManifest(template, 'https://ledger.example.com/'))
    expect(staging.querySelector('DefaultSettings > SourceLocation')?.getAttribute('DefaultValue')).toBe('https://ledger.example.com/addin/taskpane.html')
    expect(() => renderManifest(template, 'http://ledger.example.com')).toThrow(/https/)
  })
})
