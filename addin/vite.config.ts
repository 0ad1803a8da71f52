import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/**
 * Builds the task pane into dist/addin/ (served by `cledger serve` at /addin/).
 * Relative base so the same files work under /addin/ and from any origin.
 * Office.js is not bundled: taskpane.html loads it from Microsoft's CDN.
 */
const here = import.meta.dirname

export default defineConfig({
  root: here,
  base: './',
  publicDir: resolve(here, 'public'),
  plugins: [react()],
  build: {
    outDir: resolve(here, '../dist/addin'),
    // Other build steps (custom-functions metadata) write next to the pane; keep their files.
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: { taskpane: resolve(here, 'taskpane.html') },
    },
  },
})
