import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl, senderRefusal, userArguments } from './app-origin.js';

describe('the app origin', () => {
  it('accepts the app page and its assets only', () => {
    expect(APP_ENTRY_URL).toBe('app://trt-studio/index.html');
    expect(isAppUrl('app://trt-studio/index.html')).toBe(true);
    expect(isAppUrl('app://trt-studio/assets/index-abc.js?x=1#y')).toBe(true);
    for (const url of [
      'app://other/index.html',
      'file:///home/u/dist/renderer/index.html',
      'http://127.0.0.1:8765/',
      'https://trt-studio/',
      'app://user:pw@trt-studio/',
      'app://trt-studio.evil.example/',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('the sender check', () => {
  const page = { url: 'app://trt-studio/index.html', isMainFrame: true, fromAppWindow: true };

  it('lets the app page in its window call the host', () => {
    expect(senderRefusal(page)).toBeUndefined();
  });

  it('refuses other windows, gone frames, iframes and foreign pages, saying why', () => {
    expect(senderRefusal({ ...page, fromAppWindow: false })).toBe('the message did not come from the TRT Studio window');
    expect(senderRefusal({ ...page, url: undefined })).toBe('the sending frame no longer exists');
    expect(senderRefusal({ ...page, isMainFrame: false })).toBe('the message came from an embedded frame ("app://trt-studio/index.html")');
    expect(senderRefusal({ ...page, url: 'https://evil.example/' })).toBe(
      `the sending page "https://evil.example/" is not the app's own page (app://trt-studio/)`,
    );
    expect(senderRefusal({ ...page, url: 'file:///etc/passwd' })).toContain('is not the app');
  });
});

describe('the user arguments', () => {
  it('drops the executable, and the app path in a development run', () => {
    expect(userArguments(['/opt/TRT Studio/trt-studio', 'a.trtstudio', '--weights', 'w.wts'], false)).toEqual(['a.trtstudio', '--weights', 'w.wts']);
    expect(userArguments(['/x/node_modules/electron/dist/electron', '/repo', 'a.trtstudio'], true)).toEqual(['a.trtstudio']);
  });
});
