/**
 * Lists functions longer than a limit (default 70 lines) under service/, shared/
 * and addin/, longest first (issue #19: long functions get broken up):
 *   node --import tsx test/support/long-functions.ts [limit]
 * A function's lines run from its first to its last line, nested functions
 * included (they are listed on their own as well).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('../../', import.meta.url))
const limit = Number(process.argv[2] ?? 70)

function files(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : files(path)
    return /\.tsx?$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [path] : []
  })
}

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText()
  if (ts.isConstructorDeclaration(node)) return 'constructor'
  const parent = node.parent
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText()
  if (ts.isCallExpression(parent)) return `${parent.expression.getText().slice(0, 40)}(…)`
  return '(anonymous)'
}

const found: Array<{ path: string; line: number; name: string; lines: number }> = []
for (const path of ['service', 'shared', 'addin'].flatMap(files)) {
  const source = ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      if (end - start + 1 > limit) found.push({ path, line: start + 1, name: nameOf(node), lines: end - start + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}
found.sort((a, b) => b.lines - a.lines)
for (const item of found) process.stdout.write(`${String(item.lines).padStart(4)}  ${item.path}:${item.line}  ${item.name}\n`)
process.stdout.write(`${found.length} functions over ${limit} lines\n`)
