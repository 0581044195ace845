// The tray icon and its menu. The menu comes from buildTrayMenu (tray-model.ts) and is set again on every
// state change: Linux AppIndicator only shows the menu given to setContextMenu and ignores clicks.
import path from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { buildTrayMenu, trayTooltip, type MenuItemModel, type TrayActionId, type TrayState } from './tray-model.js';

export interface AppTray {
  update(state: TrayState): void;
  destroy(): void;
}

function iconFile(resourcesDir: string): string {
  // macOS: a template image (black + alpha) that the menu bar tints; elsewhere a ~32 px colour icon.
  return path.join(resourcesDir, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

function toElectron(item: MenuItemModel, onAction: (id: TrayActionId) => void): MenuItemConstructorOptions {
  if (item.type === 'separator') return { type: 'separator' };
  const action = item.action;
  return {
    type: item.type,
    label: item.label,
    enabled: item.enabled ?? true,
    checked: item.checked,
    click: action ? () => onAction(action) : undefined,
  };
}

/** Undefined when the desktop has no tray (e.g. GNOME without the AppIndicator extension may still fail). */
export function createAppTray(resourcesDir: string, onAction: (id: TrayActionId) => void, onClick: () => void): AppTray | undefined {
  let tray: Tray;
  try {
    const image = nativeImage.createFromPath(iconFile(resourcesDir));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    tray = new Tray(image);
  } catch {
    return undefined;
  }
  // Windows users expect a left click to open the window; macOS and Linux show the menu.
  if (process.platform === 'win32') tray.on('click', onClick);
  let last = '';
  return {
    update(state) {
      const items = buildTrayMenu(state);
      const key = JSON.stringify(items);
      if (key === last) return;
      last = key;
      tray.setContextMenu(Menu.buildFromTemplate(items.map((i) => toElectron(i, onAction))));
      tray.setToolTip(trayTooltip(state));
    },
    destroy: () => tray.destroy(),
  };
}
