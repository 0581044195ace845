// Sandboxed preloads must be CommonJS whose only require is 'electron', hence .cts compiled to preload.cjs, written
// as a plain script (no import/export) so the output needs nothing but `require`.
// Exposes only the admin API's base URL and token, asked from the main process, which answers only our own page.
{
  const electron = require('electron') as typeof import('electron');
  const config = electron.ipcRenderer.sendSync('lynkr:config') as { adminBase?: unknown; token?: unknown } | null;
  if (config && typeof config.adminBase === 'string' && typeof config.token === 'string') {
    electron.contextBridge.exposeInMainWorld('lynkr', Object.freeze({ adminBase: config.adminBase, token: config.token }));
  }
}
