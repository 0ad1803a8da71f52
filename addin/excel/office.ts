import type { ExcelRun, XlContext } from './port.ts'

/**
 * The production ExcelRun: Office's own `Excel.run`. `Excel.RequestContext`
 * satisfies the XlContext slice structurally; this assignment is the type check.
 */
export const officeExcelRun: ExcelRun = (batch) =>
  Excel.run((context) => {
    const slice: XlContext = context
    return batch(slice)
  })
