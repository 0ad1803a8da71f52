import { safeSheetName } from '../excel/cells.ts'
import type { WorkbookWriter } from '../excel/writer.ts'
import { type PaneStore, showPreviewSheet } from './store.ts'

/**
 * The WorkbookWriter outside Office: result tables go into the store and render
 * in the page (PreviewSheets), so the pane is usable and testable in a browser.
 */
export function createPreviewWriter(store: PaneStore): WorkbookWriter {
  return {
    target: 'preview',
    async writeTable(spec) {
      const sheetName = safeSheetName(spec.sheetName)
      showPreviewSheet(store, { sheetName, title: spec.title, columns: spec.columns, rows: spec.rows, chart: spec.chart })
      return { sheetName, rows: spec.rows.length, chunkRows: spec.rows.length, chunks: 1, syncs: 0 }
    },
    async activate(sheetName) {
      const sheet = store.getState().previewSheets.find((candidate) => candidate.sheetName === safeSheetName(sheetName))
      if (sheet !== undefined) showPreviewSheet(store, sheet)
    },
    async recalculate() {
      // No formulas in the page.
    },
  }
}
