import { existsSync } from 'node:fs'
import { LedgerError } from '../../../shared/errors.ts'

/**
 * The CJK font embedded in PDFs and used for chart text. Debian's
 * fonts-noto-cjk (CI installs it) is looked up first; nothing is downloaded
 * at run time.
 */
export interface CjkFont {
  readonly path: string
  /** PostScript name of the face inside a .ttc collection, for pdfkit */
  readonly face?: string
  readonly family: string
}

export const CJK_FONT_CANDIDATES: ReadonlyArray<CjkFont> = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular', family: 'Noto Sans CJK SC' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', face: 'NotoSerifCJKsc-Regular', family: 'Noto Serif CJK SC' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei', family: 'WenQuanYi Micro Hei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei', family: 'WenQuanYi Zen Hei' },
]

export function findCjkFont(candidates: ReadonlyArray<CjkFont> = CJK_FONT_CANDIDATES): CjkFont {
  const found = candidates.find((font) => existsSync(font.path))
  if (!found) throw new LedgerError('INTERNAL', 'no Chinese font for PDF/chart output; install Debian fonts-noto-cjk (apt-get install -y fonts-noto-cjk)')
  return found
}
