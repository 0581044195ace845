import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// Built by the root `npm run build` into dist/renderer; served at /ui (headless) and loaded by the window.
// Relative asset URLs (base './') so the same bundle works under /ui/ and from file:// in Electron.
//
// The source entry is window.html, emitted as index.html: a source folder holding an index.html looks like a
// built bundle to the gateway's /ui lookup (which also tries ../../renderer), and would serve unbuilt .tsx.
const emitAsIndex: Plugin = {
  name: 'lynkr-entry-as-index',
  enforce: 'post',
  generateBundle(_options, bundle) {
    const entry = bundle['window.html'];
    if (entry?.type !== 'asset') return;
    delete bundle['window.html'];
    this.emitFile({ type: 'asset', fileName: 'index.html', source: entry.source });
  },
};

export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [emitAsIndex],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: fileURLToPath(new URL('./window.html', import.meta.url)) },
    // No inline module preload polyfill: keeps the page compatible with a strict CSP (script-src 'self').
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
