import { defineConfig } from 'vite';

// Built by the root `npm run build` into dist/renderer; served at /ui (headless) and loaded by the window.
// Relative asset URLs (base './') so the same bundle works under /ui/ and from file:// in Electron.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // No inline module preload polyfill: keeps the page compatible with a strict CSP (script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
