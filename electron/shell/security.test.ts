import { describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, navigationAllowed, permissionAllowed, requestAllowed, secureWebPreferences } from './security.js';

describe('the window’s security settings', () => {
  it('isolate and sandbox the page, without Node anywhere', () => {
    expect(secureWebPreferences('/app/dist/electron-preload.cjs')).toEqual({
      preload: '/app/dist/electron-preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('let requests reach only the app’s own scheme', () => {
    for (const url of [
      'app://trt-studio/index.html',
      'app://trt-studio/assets/elk-worker.js',
      'data:image/png;base64,AA==',
      'blob:app://trt-studio/1234',
      'devtools://devtools/bundled/inspector.html',
    ])
      expect(requestAllowed(url), url).toBe(true);
    for (const url of [
      'https://cdn.example/react.js',
      'http://127.0.0.1:8765/api/capabilities',
      'file:///etc/passwd',
      'ws://127.0.0.1:1/',
      'app://other/x.js',
      'javascript:alert(1)',
    ])
      expect(requestAllowed(url), url).toBe(false);
  });

  it('refuse every navigation and every permission except writing text to the clipboard', () => {
    expect(navigationAllowed('app://trt-studio/index.html')).toBe(false);
    expect(navigationAllowed('https://example.com/')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://trt-studio/index.html')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem'])
      expect(permissionAllowed(p, 'app://trt-studio/'), p).toBe(false);
  });

  it('register app:// as a standard, secure scheme (an origin of its own, modules and workers)', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
    });
  });
});
