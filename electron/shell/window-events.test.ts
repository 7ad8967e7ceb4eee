import { describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL } from '../../core/api/names.js';
import { EventBus } from '../services/events.js';
import { memoryLog } from '../services/log.js';
import { forwardEventsToWindow, windowClientId, type WindowContents } from './window-events.js';

const APP_PAGE = 'app://trt-studio/index.html';

/** A window's webContents as the shell sees it: what it was sent, in order. */
function windowContents(id: number, url = APP_PAGE): WindowContents & { sent: unknown[][]; destroyed: boolean } {
  const contents = {
    id,
    sent: [] as unknown[][],
    destroyed: false,
    isDestroyed: () => contents.destroyed,
    getURL: () => url,
    send: (channel: string, ...args: unknown[]) => void contents.sent.push([channel, ...args]),
  };
  return contents;
}

const isAppPage = (url: string) => url.startsWith('app://trt-studio/');
const autosaved = (client: string) => ({ client, ok: true, at: '2026-12-05T01:00:00.000Z', diagnostics: [] });

describe('events carried to a window', () => {
  it('names a window after its webContents, as its calls are named', () => {
    expect(windowClientId({ id: 7 })).toBe('window-7');
  });

  it('gives each window the autosave outcomes of its own work only, and every window the events for all', () => {
    const bus = new EventBus(memoryLog());
    const one = windowContents(1);
    const two = windowContents(2);
    forwardEventsToWindow(bus, one, isAppPage);
    forwardEventsToWindow(bus, two, isAppPage);

    bus.emit('project.autosaved', autosaved('window-2'));
    bus.emit('menu.command', { command: 'file.save' });
    bus.emit('project.autosaved', autosaved('window-1'));

    expect(one.sent).toEqual([
      [IPC_EVENT_CHANNEL, 'menu.command', { command: 'file.save' }],
      [IPC_EVENT_CHANNEL, 'project.autosaved', autosaved('window-1')],
    ]);
    expect(two.sent).toEqual([
      [IPC_EVENT_CHANNEL, 'project.autosaved', autosaved('window-2')],
      [IPC_EVENT_CHANNEL, 'menu.command', { command: 'file.save' }],
    ]);
  });

  it('sends nothing to a closed window, a destroyed page or a page that is not the app', () => {
    const bus = new EventBus(memoryLog());
    const closed = windowContents(1);
    const destroyed = windowContents(2);
    const elsewhere = windowContents(3, 'https://example.com/');
    forwardEventsToWindow(bus, closed, isAppPage)();
    forwardEventsToWindow(bus, destroyed, isAppPage);
    forwardEventsToWindow(bus, elsewhere, isAppPage);
    destroyed.destroyed = true;
    bus.emit('menu.command', { command: 'file.save' });
    bus.emit('project.autosaved', autosaved('window-3'));
    expect([closed.sent, destroyed.sent, elsewhere.sent]).toEqual([[], [], []]);
  });

  it('still gives a listener without a client (a log) every event', () => {
    const bus = new EventBus(memoryLog());
    const heard: string[] = [];
    bus.subscribe((event, payload) => heard.push(`${event} ${(payload as { client?: string }).client ?? ''}`.trim()));
    bus.emit('project.autosaved', autosaved('window-1'));
    bus.emit('project.autosaved', autosaved('tab-x'));
    expect(heard).toEqual(['project.autosaved window-1', 'project.autosaved tab-x']);
  });
});
