import type { ExcelRun, XlContext } from './port.ts'
import type { SharingContext, SharingRun } from './workbook-sharing.ts'

/**
 * The production ExcelRun: Office's own `Excel.run`. `Excel.RequestContext`
 * satisfies the XlContext slice structurally; this assignment is the type check.
 */
export const officeExcelRun: ExcelRun = (batch) =>
  Excel.run((context) => {
    const slice: XlContext = context
    return batch(slice)
  })

/** Excel.run for the shared-workbook helpers (convert to values, restore formulas). */
export const officeSharingRun: SharingRun = (batch) =>
  Excel.run((context) => {
    const slice: SharingContext = context
    return batch(slice)
  })
