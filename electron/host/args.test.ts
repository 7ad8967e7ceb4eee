import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from './args.js';

describe('parseLaunchArgs', () => {
  it('reads a project, weights, port, host and --open', () => {
    expect(
      parseLaunchArgs(['net.trtstudio', '--weights', 'net.wts', '--port', '9000', '--host', '0.0.0.0', '--open', '--root', '/data', '--root', '/models']),
    ).toEqual({
      ok: true,
      value: { projectPath: 'net.trtstudio', weightsPath: 'net.wts', port: 9000, portGiven: true, host: '0.0.0.0', open: true, roots: ['/data', '/models'] },
    });
  });

  it('defaults to 127.0.0.1:8765', () => {
    expect(parseLaunchArgs([])).toEqual({ ok: true, value: { port: 8765, portGiven: false, host: '127.0.0.1', open: false, roots: [] } });
  });

  it('refuses a bad port, two projects and unknown options with the usage line', () => {
    const port = parseLaunchArgs(['--port', '80a']);
    expect(port.ok ? '' : port.diagnostics[0]!.message).toBe(
      '--port "80a" is not a port number; expected an integer from 0 (any free port) to 65535.\nUsage: trt-studio serve [PROJECT.trtstudio] [--weights FILE.wts] [--port N] [--host 127.0.0.1] [--open] [--root FOLDER]... [--config-dir FOLDER]',
    );
    const two = parseLaunchArgs(['a.trtstudio', 'b.trtstudio']);
    expect(two.ok ? '' : two.diagnostics[0]!.message.split('\n')[0]).toBe('Expected at most one project file; found "a.trtstudio", "b.trtstudio".');
    const unknown = parseLaunchArgs(['--frobnicate']);
    expect(unknown.ok ? '' : unknown.diagnostics[0]!.message.split('\n')[0]).toMatch(/Unknown option '--frobnicate'/);
    expect(parseLaunchArgs(['--port', '70000']).ok).toBe(false);
  });

  it('in the Electron app, skips Chromium switches and the app path', () => {
    expect(parseLaunchArgs(['.', '--no-sandbox', '--inspect=9229', 'net.trtstudio', '--weights', 'w.wts'], 'electron')).toEqual({
      ok: true,
      value: { projectPath: 'net.trtstudio', weightsPath: 'w.wts', port: 8765, portGiven: false, host: '127.0.0.1', open: false, roots: [] },
    });
  });
});
