import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS } from '../../core/api/contract.js';
import { buildMenuTemplate, menuCommands, registeredAccelerators, type MenuEntry } from './menu-template.js';

const linux = { platform: 'linux', appName: 'TRT Studio', recent: [], developerTools: false };

function labels(entries: readonly MenuEntry[]): string[] {
  return entries.map((e) =>
    e.type === 'submenu' || e.type === 'command' || e.type === 'openRecent' || e.type === 'note' ? e.label : e.type === 'role' ? `role:${e.role}` : '—',
  );
}

function submenu(entries: readonly MenuEntry[], label: string): MenuEntry[] {
  const found = entries.find((e) => e.type === 'submenu' && e.label === label);
  if (!found || found.type !== 'submenu') throw new Error(`no menu ${label}`);
  return found.items;
}

function command(entries: readonly MenuEntry[], name: string): Extract<MenuEntry, { type: 'command' }> {
  for (const e of entries) {
    if (e.type === 'command' && e.command === name) return e;
    if (e.type === 'submenu') {
      try {
        return command(e.items, name);
      } catch {
        // Not in this submenu.
      }
    }
  }
  throw new Error(`no command ${name}`);
}

describe('the application menu', () => {
  it('has File, Edit, View, Network and Help on Linux and Windows', () => {
    const menu = buildMenuTemplate(linux);
    expect(labels(menu)).toEqual(['File', 'Edit', 'View', 'Network', 'Help']);
    expect(labels(submenu(menu, 'File'))).toEqual([
      'New Project',
      'New from Template…',
      '—',
      'Open…',
      'Open Recent',
      '—',
      'Save',
      'Save As…',
      '—',
      'Import Weights…',
      'Export…',
      '—',
      'role:quit',
    ]);
    expect(labels(submenu(menu, 'Edit'))).toEqual([
      'Undo',
      'Redo',
      '—',
      'role:cut',
      'role:copy',
      'role:paste',
      'Duplicate',
      'Delete',
      '—',
      'Select All',
      'Find Node…',
    ]);
    expect(labels(submenu(menu, 'Network'))).toEqual([
      'Check Shapes',
      'Group Selection',
      'Expand Composite',
      '—',
      'Build Engine…',
      'Run Test Images…',
      'Profile…',
    ]);
  });

  it('adds the app menu and the Window menu on macOS, and quits from the app menu', () => {
    const menu = buildMenuTemplate({ ...linux, platform: 'darwin' });
    expect(labels(menu)).toEqual(['TRT Studio', 'File', 'Edit', 'View', 'Network', 'role:windowMenu', 'Help']);
    expect(labels(submenu(menu, 'TRT Studio'))).toEqual([
      'About TRT Studio',
      '—',
      'role:services',
      '—',
      'role:hide',
      'role:hideOthers',
      'role:unhide',
      '—',
      'role:quit',
    ]);
    expect(labels(submenu(menu, 'File'))).not.toContain('Quit');
    expect(command(menu, 'edit.redo').accelerator).toBe('Cmd+Shift+Z');
  });

  it('reaches every menu command of the contract once; cut, copy and paste are roles that raise the page’s clipboard events', () => {
    const viaRoles = ['edit.cut', 'edit.copy', 'edit.paste'];
    const expected = MENU_COMMANDS.filter((c) => !viaRoles.includes(c)).sort();
    expect([...menuCommands(buildMenuTemplate(linux))].sort()).toEqual(expected);
    expect(menuCommands(buildMenuTemplate({ ...linux, platform: 'darwin' })).sort()).toEqual(expected);
  });

  it('shows the page’s own shortcuts without registering them, and registers the rest without clashes', () => {
    const menu = buildMenuTemplate(linux);
    for (const name of ['file.save', 'file.open', 'edit.undo', 'edit.redo', 'edit.delete', 'view.fit', 'network.expandComposite'] as const) {
      expect(command(menu, name).registerAccelerator, name).toBe(false);
    }
    expect(command(menu, 'file.save').accelerator).toBe('CmdOrCtrl+S');
    expect(command(menu, 'edit.redo').accelerator).toBe('Ctrl+Y');
    expect(command(menu, 'network.build')).toMatchObject({ accelerator: 'CmdOrCtrl+B', registerAccelerator: true });
    expect(command(menu, 'network.run')).toMatchObject({ accelerator: 'F5', registerAccelerator: true });
    const registered = registeredAccelerators(menu);
    expect(registered).toEqual([
      'CmdOrCtrl+Shift+N',
      'CmdOrCtrl+I',
      'CmdOrCtrl+E',
      'CmdOrCtrl+=',
      'CmdOrCtrl+-',
      'CmdOrCtrl+Shift+M',
      'F7',
      'CmdOrCtrl+B',
      'F5',
      'CmdOrCtrl+F5',
      'F1',
    ]);
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('lists recent projects that still exist, newest first, at most ten', () => {
    const recent = Array.from({ length: 14 }, (_, i) => ({ path: `/p/n${i}.trtstudio`, name: `n${i}`, exists: i !== 1 }));
    const items = submenu(submenu(buildMenuTemplate({ ...linux, recent }), 'File'), 'Open Recent');
    expect(items).toHaveLength(10);
    expect(items[0]).toEqual({ type: 'openRecent', label: 'n0  —  /p/n0.trtstudio', path: '/p/n0.trtstudio' });
    expect(items[1]).toMatchObject({ path: '/p/n2.trtstudio' });
    expect(submenu(submenu(buildMenuTemplate(linux), 'File'), 'Open Recent')).toEqual([{ type: 'note', label: 'No recent projects' }]);
  });

  it('offers reload and developer tools only in development', () => {
    expect(labels(submenu(buildMenuTemplate(linux), 'View'))).not.toContain('role:toggleDevTools');
    expect(labels(submenu(buildMenuTemplate({ ...linux, developerTools: true }), 'View')).slice(-2)).toEqual(['role:reload', 'role:toggleDevTools']);
  });
});
