import { columnLetter, neutralise } from './cells.ts'

/**
 * The shared workbook (issue 8 §5), Excel side:
 * 1. The workbook remembers which company and which service its LEDGER.*
 *    formulas read, in document settings (Office.context.document.settings),
 *    so whoever opens it signs in and sees figures under their own role.
 *    Never a token: the file travels to other people.
 * 2. "Convert to values" makes a static copy for people without the add-in:
 *    every LEDGER.* formula becomes its current value, and the formulas are
 *    kept as text in a hidden sheet, from which restoreLedgerFormulas() puts
 *    them back.
 * Excel objects are described structurally, so Excel.RequestContext fits and
 * so does the fake in test/functions/fake-workbook.ts.
 */

// 1. Document settings ------------------------------------------------------------

export const BINDING_SETTING = 'channelLedger.binding'

export interface WorkbookBinding {
  readonly company: string
  readonly serviceUrl: string
  /** who bound it, for the pane's "this workbook reads ACME from …" line */
  readonly boundBy?: string
}

/** Office.context.document.settings, structurally. */
export interface DocumentSettings {
  get(name: string): unknown
  set(name: string, value: unknown): void
  saveAsync(callback?: (result: { status: unknown; error?: { message: string } | null }) => void): void
}

export function readWorkbookBinding(settings: DocumentSettings): WorkbookBinding | null {
  const value: unknown = settings.get(BINDING_SETTING)
  if (typeof value !== 'object' || value === null) return null
  const company: unknown = Reflect.get(value, 'company')
  const serviceUrl: unknown = Reflect.get(value, 'serviceUrl')
  const boundBy: unknown = Reflect.get(value, 'boundBy')
  if (typeof company !== 'string' || typeof serviceUrl !== 'string' || !/^https?:\/\//.test(serviceUrl)) return null
  return typeof boundBy === 'string' ? { company, serviceUrl, boundBy } : { company, serviceUrl }
}

/** Stores the binding in the document and saves the settings (they persist with the file). */
export function rememberWorkbookBinding(settings: DocumentSettings, binding: WorkbookBinding): Promise<void> {
  if (!/^https?:\/\//.test(binding.serviceUrl)) return Promise.reject(new Error(`service URL ${binding.serviceUrl} is not http(s)`))
  settings.set(BINDING_SETTING, { company: binding.company, serviceUrl: binding.serviceUrl, ...(binding.boundBy ? { boundBy: binding.boundBy } : {}) })
  return new Promise((resolve, reject) => {
    settings.saveAsync((result) => {
      if (result.status === 'failed' || result.error) reject(new Error(`document settings not saved: ${result.error?.message ?? 'unknown error'}`))
      else resolve()
    })
  })
}

// 2. Convert to values -------------------------------------------------------------

export const FORMULAS_SHEET = 'LEDGER_FORMULAS'
const LEDGER_FORMULA = /LEDGER\./i

export interface SharingRange {
  formulas: unknown[][]
  values: unknown[][]
  numberFormat: unknown[][]
  readonly rowIndex: number
  readonly columnIndex: number
  readonly isNullObject?: boolean
  load(properties: string): unknown
}

export interface SharingWorksheet {
  readonly name: string
  visibility: string
  readonly isNullObject?: boolean
  getUsedRangeOrNullObject(valuesOnly?: boolean): SharingRange
  getRange(address: string): SharingRange
  delete(): void
}

export interface SharingContext {
  readonly workbook: {
    readonly worksheets: {
      readonly items: SharingWorksheet[]
      load(properties: string): unknown
      getItemOrNullObject(name: string): SharingWorksheet
      add(name: string): SharingWorksheet
    }
  }
  sync(): Promise<unknown>
}

export type SharingRun = <T>(batch: (context: SharingContext) => Promise<T>) => Promise<T>

export interface SavedFormula {
  readonly sheet: string
  readonly address: string
  readonly formula: string
}

/**
 * Replaces every LEDGER.* formula by its current value and keeps the formulas
 * in the hidden sheet LEDGER_FORMULAS (sheet, address, formula as text).
 * Converting twice keeps the first record. Returns what was converted.
 */
export async function convertLedgerFormulasToValues(run: SharingRun): Promise<SavedFormula[]> {
  return run(async (context) => {
    const sheets = context.workbook.worksheets
    sheets.load('items/name')
    await context.sync()
    const used = sheets.items.filter((sheet) => sheet.name !== FORMULAS_SHEET).map((sheet) => {
      const range = sheet.getUsedRangeOrNullObject()
      range.load('formulas,values,rowIndex,columnIndex')
      return { sheet, range }
    })
    await context.sync()
    const saved: SavedFormula[] = []
    for (const { sheet, range } of used) {
      if (range.isNullObject) continue
      const formulas = range.formulas.map((row, rowOffset) => row.map((formula, columnOffset) => {
        if (typeof formula !== 'string' || !LEDGER_FORMULA.test(formula)) return formula
        saved.push({ sheet: sheet.name, address: `${columnLetter(range.columnIndex + columnOffset)}${range.rowIndex + rowOffset + 1}`, formula })
        return range.values[rowOffset]?.[columnOffset] ?? ''
      }))
      range.formulas = formulas
    }
    if (saved.length === 0) return saved
    const previous = await readSavedFormulas(context)
    const seen = new Set(previous.map((item) => `${item.sheet}!${item.address}`))
    const records = [...previous, ...saved.filter((item) => !seen.has(`${item.sheet}!${item.address}`))]
    await writeSavedFormulas(context, records)
    return saved
  })
}

/** Puts the kept formulas back (the add-in is present again) and removes the hidden sheet. */
export async function restoreLedgerFormulas(run: SharingRun): Promise<number> {
  return run(async (context) => {
    const records = await readSavedFormulas(context)
    for (const record of records) {
      const sheet = context.workbook.worksheets.getItemOrNullObject(record.sheet)
      await context.sync()
      if (sheet.isNullObject) continue
      sheet.getRange(record.address).formulas = [[record.formula]]
    }
    const hidden = context.workbook.worksheets.getItemOrNullObject(FORMULAS_SHEET)
    await context.sync()
    if (!hidden.isNullObject) hidden.delete()
    await context.sync()
    return records.length
  })
}

async function readSavedFormulas(context: SharingContext): Promise<SavedFormula[]> {
  const sheet = context.workbook.worksheets.getItemOrNullObject(FORMULAS_SHEET)
  await context.sync()
  if (sheet.isNullObject) return []
  const range = sheet.getUsedRangeOrNullObject(true)
  range.load('values')
  await context.sync()
  if (range.isNullObject) return []
  return range.values.slice(1).flatMap((row) => {
    const [name, address, formula] = row
    return typeof name === 'string' && typeof address === 'string' && typeof formula === 'string' ? [{ sheet: name, address, formula: formula.replace(/^'/, '') }] : []
  })
}

async function writeSavedFormulas(context: SharingContext, records: ReadonlyArray<SavedFormula>): Promise<void> {
  const existing = context.workbook.worksheets.getItemOrNullObject(FORMULAS_SHEET)
  await context.sync()
  if (!existing.isNullObject) existing.delete()
  const sheet = context.workbook.worksheets.add(FORMULAS_SHEET)
  const rows = [['sheet', 'address', 'formula'], ...records.map((record) => [record.sheet, record.address, neutralise(record.formula)])]
  const range = sheet.getRange(`A1:C${rows.length}`)
  // text format first, so the kept formulas are never evaluated
  range.numberFormat = rows.map(() => ['@', '@', '@'])
  range.values = rows
  sheet.visibility = 'Hidden'
  await context.sync()
}

// 3. The pane's view of it ------------------------------------------------------------

/**
 * What the task pane needs from the workbook it runs in: its binding, and the
 * two conversions. `convertible` is false where there is no workbook (preview
 * mode in a plain browser), so the pane hides those buttons.
 */
export interface WorkbookPort {
  readonly convertible: boolean
  binding(): WorkbookBinding | null
  bind(binding: WorkbookBinding): Promise<void>
  convertToValues(): Promise<number>
  restoreFormulas(): Promise<number>
  /** The period this workbook was last looked at for a company (document settings), if any. */
  period?(company: string): string | null
  rememberPeriod?(company: string, period: string): Promise<void>
}

export const PERIOD_SETTING = 'channelLedger.periods'

export function createWorkbookPort(settings: DocumentSettings, run: SharingRun | null): WorkbookPort {
  return {
    convertible: run !== null,
    binding: () => readWorkbookBinding(settings),
    bind: (binding) => rememberWorkbookBinding(settings, binding),
    async convertToValues() {
      if (run === null) throw new Error('converting formulas needs Excel')
      return (await convertLedgerFormulasToValues(run)).length
    },
    async restoreFormulas() {
      if (run === null) throw new Error('restoring formulas needs Excel')
      return restoreLedgerFormulas(run)
    },
    period(company) {
      const value: unknown = settings.get(PERIOD_SETTING)
      const period: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, company) : undefined
      return typeof period === 'string' && /^\d{4}-\d{2}$/.test(period) ? period : null
    },
    rememberPeriod(company, period) {
      const value: unknown = settings.get(PERIOD_SETTING)
      const periods = typeof value === 'object' && value !== null ? { ...(value as Record<string, unknown>) } : {}
      settings.set(PERIOD_SETTING, { ...periods, [company]: period })
      return new Promise((resolve) => settings.saveAsync(() => resolve()))
    },
  }
}

/** Document settings kept in memory (preview mode and tests): same contract, nothing persists. */
export function memoryDocumentSettings(initial: Record<string, unknown> = {}): DocumentSettings & { saved: number } {
  const values = new Map(Object.entries(initial))
  const settings = {
    saved: 0,
    get: (name: string) => values.get(name) ?? null,
    set: (name: string, value: unknown) => {
      values.set(name, structuredClone(value))
    },
    saveAsync(callback?: (result: { status: unknown; error?: { message: string } | null }) => void) {
      settings.saved += 1
      callback?.({ status: 'succeeded', error: null })
    },
  }
  return settings
}

/**
 * Preview mode's stand-in for the workbook's settings: the binding stays in
 * memory (there is no file to bind), the remembered period survives a reload in
 * the given storage (the page is the only "workbook" there is).
 */
export function previewDocumentSettings(storage: { getItem(key: string): string | null; setItem(key: string, value: string): void }): DocumentSettings & { saved: number } {
  const memory = memoryDocumentSettings()
  return {
    get saved() {
      return memory.saved
    },
    get: (name: string) => {
      if (name !== PERIOD_SETTING) return memory.get(name)
      try {
        return JSON.parse(storage.getItem(`cledger.${PERIOD_SETTING}`) ?? 'null') as unknown
      } catch {
        return null
      }
    },
    set: (name: string, value: unknown) => {
      if (name === PERIOD_SETTING) storage.setItem(`cledger.${PERIOD_SETTING}`, JSON.stringify(value))
      else memory.set(name, value)
    },
    saveAsync: (callback) => memory.saveAsync(callback),
  }
}
