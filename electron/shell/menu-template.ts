/**
 * The application menu as plain data: File, Edit, View, Network, Help (and the app menu and Window
 * menu on macOS). Each item sends one `menu.command` of the contract, opens a recent project, or is
 * one of Electron's standard roles. The shell turns this into an Electron Menu; keeping it free of
 * Electron lets it be tested here.
 *
 * Shortcuts the page's own key handler already owns (renderer/app/shortcuts.ts: Ctrl+Z, Ctrl+S,
 * Delete, F, L, ...) are shown but not registered, so that one key press does one thing and text
 * fields keep their native undo; cut, copy and paste are roles, which raise the DOM clipboard events
 * the page handles in both hosts.
 */
import type { MenuCommand } from '../../core/api/contract.js';

/** The Electron roles this menu uses. */
export type MenuRole =
  'cut' | 'copy' | 'paste' | 'quit' | 'services' | 'hide' | 'hideOthers' | 'unhide' | 'togglefullscreen' | 'reload' | 'toggleDevTools' | 'windowMenu';

export type MenuEntry =
  | { type: 'command'; label: string; command: MenuCommand; accelerator?: string; registerAccelerator: boolean }
  | { type: 'role'; role: MenuRole; label?: string }
  | { type: 'openRecent'; label: string; path: string }
  | { type: 'note'; label: string }
  | { type: 'separator' }
  | { type: 'submenu'; label: string; items: MenuEntry[] };

export interface MenuOptions {
  /** `process.platform`: macOS gets the app menu and Cmd shortcuts. */
  platform: string;
  appName: string;
  /** Recent projects, newest first (the first ten are listed). */
  recent: readonly { path: string; name: string; exists: boolean }[];
  /** Reload and developer tools, for unpackaged runs. */
  developerTools: boolean;
}

/** A command whose key the menu registers (the page does not handle it). */
function menuKey(label: string, command: MenuCommand, accelerator?: string): MenuEntry {
  return { type: 'command', label, command, registerAccelerator: true, ...(accelerator ? { accelerator } : {}) };
}

/** A command whose key the page handles; the menu only shows it. */
function pageKey(label: string, command: MenuCommand, accelerator: string): MenuEntry {
  return { type: 'command', label, command, accelerator, registerAccelerator: false };
}

const separator: MenuEntry = { type: 'separator' };

export const MAX_RECENT_IN_MENU = 10;

export function buildMenuTemplate(options: MenuOptions): MenuEntry[] {
  const mac = options.platform === 'darwin';
  const recent = options.recent.filter((r) => r.exists).slice(0, MAX_RECENT_IN_MENU);
  const openRecent: MenuEntry = {
    type: 'submenu',
    label: 'Open Recent',
    items:
      recent.length > 0
        ? recent.map((r) => ({ type: 'openRecent', label: `${r.name}  —  ${r.path}`, path: r.path }))
        : [{ type: 'note', label: 'No recent projects' }],
  };
  const file: MenuEntry = {
    type: 'submenu',
    label: 'File',
    items: [
      pageKey('New Project', 'file.new', 'CmdOrCtrl+N'),
      menuKey('New from Template…', 'file.newFromTemplate', 'CmdOrCtrl+Shift+N'),
      separator,
      pageKey('Open…', 'file.open', 'CmdOrCtrl+O'),
      openRecent,
      separator,
      pageKey('Save', 'file.save', 'CmdOrCtrl+S'),
      pageKey('Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'),
      separator,
      menuKey('Import Weights…', 'file.importWeights', 'CmdOrCtrl+I'),
      menuKey('Export…', 'file.export', 'CmdOrCtrl+E'),
      ...(mac ? [] : [separator, { type: 'role', role: 'quit', label: 'Quit' } as MenuEntry]),
    ],
  };
  const edit: MenuEntry = {
    type: 'submenu',
    label: 'Edit',
    items: [
      pageKey('Undo', 'edit.undo', 'CmdOrCtrl+Z'),
      pageKey('Redo', 'edit.redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
      separator,
      { type: 'role', role: 'cut' },
      { type: 'role', role: 'copy' },
      { type: 'role', role: 'paste' },
      pageKey('Duplicate', 'edit.duplicate', 'CmdOrCtrl+D'),
      pageKey('Delete', 'edit.delete', 'Delete'),
      separator,
      pageKey('Select All', 'edit.selectAll', 'CmdOrCtrl+A'),
      pageKey('Find Node…', 'edit.find', 'CmdOrCtrl+F'),
    ],
  };
  const view: MenuEntry = {
    type: 'submenu',
    label: 'View',
    items: [
      pageKey('Fit to Window', 'view.fit', 'F'),
      menuKey('Zoom In', 'view.zoomIn', 'CmdOrCtrl+='),
      menuKey('Zoom Out', 'view.zoomOut', 'CmdOrCtrl+-'),
      pageKey('Auto Layout', 'view.autoLayout', 'L'),
      separator,
      menuKey('Minimap', 'view.toggleMinimap'),
      menuKey('Problems', 'view.toggleProblems', 'CmdOrCtrl+Shift+M'),
      separator,
      { type: 'role', role: 'togglefullscreen' },
      ...(options.developerTools ? [separator, { type: 'role', role: 'reload' } as MenuEntry, { type: 'role', role: 'toggleDevTools' } as MenuEntry] : []),
    ],
  };
  const network: MenuEntry = {
    type: 'submenu',
    label: 'Network',
    items: [
      menuKey('Check Shapes', 'network.check', 'F7'),
      pageKey('Group Selection', 'network.group', 'CmdOrCtrl+G'),
      pageKey('Expand Composite', 'network.expandComposite', 'E'),
      separator,
      menuKey('Build Engine…', 'network.build', 'CmdOrCtrl+B'),
      menuKey('Run Test Images…', 'network.run', 'F5'),
      menuKey('Profile…', 'network.profile', 'CmdOrCtrl+F5'),
    ],
  };
  const about = menuKey(`About ${options.appName}`, 'help.about');
  const help: MenuEntry = {
    type: 'submenu',
    label: 'Help',
    items: [menuKey('Keyboard Shortcuts', 'help.shortcuts', 'F1'), ...(mac ? [] : [separator, about])],
  };
  if (!mac) return [file, edit, view, network, help];
  const appMenu: MenuEntry = {
    type: 'submenu',
    label: options.appName,
    items: [
      about,
      separator,
      { type: 'role', role: 'services' },
      separator,
      { type: 'role', role: 'hide' },
      { type: 'role', role: 'hideOthers' },
      { type: 'role', role: 'unhide' },
      separator,
      { type: 'role', role: 'quit' },
    ],
  };
  // The windowMenu role is a whole top-level menu (Minimize, Zoom, the window list).
  const windowMenu: MenuEntry = { type: 'role', role: 'windowMenu' };
  return [appMenu, file, edit, view, network, windowMenu, help];
}

/** Every command the menu can send (to check that the menu reaches the whole vocabulary). */
export function menuCommands(entries: readonly MenuEntry[]): MenuCommand[] {
  return entries.flatMap((e) => (e.type === 'command' ? [e.command] : e.type === 'submenu' ? menuCommands(e.items) : []));
}

/** Every accelerator the menu registers with the system, to check for clashes. */
export function registeredAccelerators(entries: readonly MenuEntry[]): string[] {
  return entries.flatMap((e) =>
    e.type === 'command' && e.registerAccelerator && e.accelerator ? [e.accelerator] : e.type === 'submenu' ? registeredAccelerators(e.items) : [],
  );
}
