// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyDocument } from '../../core/network/types.js';

/** One page's life: a fresh copy of the module, as a page load gets. jsdom has no Web Locks, so pages claim names on the channel. */
async function loadPage() {
  vi.resetModules();
  return import('./tab-identity.js');
}

const CLIENT_KEY = 'trtstudio.client';

beforeEach(() => sessionStorage.clear());

describe('a tab’s name towards the host', () => {
  it('is fresh for a new tab, and kept by a reload when no live page holds it', async () => {
    const first = await (await loadPage()).tabIdentity();
    expect(first).toEqual({ clientId: expect.stringMatching(/^tab-[a-z0-9]+-[a-z0-9]+$/) as unknown as string });
    expect(sessionStorage.getItem(CLIENT_KEY)).toBe(first.clientId);

    // A page that reloads: its name is in sessionStorage and no other page claims it.
    sessionStorage.setItem(CLIENT_KEY, 'tab-reloaded');
    expect(await (await loadPage()).tabIdentity()).toEqual({ clientId: 'tab-reloaded' });
  });

  it('is a new one for a copy of a live tab, which starts from the work the original shows', async () => {
    const original = await loadPage();
    const { clientId: originalId } = await original.tabIdentity();
    const doc = emptyDocument('Unsaved work');
    doc.inputs.push({ id: 'in', name: 'data', dtype: 'FLOAT', dims: [1, 3, 8, 8] });
    original.shareWorkWithCopies(() => ({ path: null, document: doc, dirty: true, weightsPath: '/work/lenet.wts' }));

    // "Duplicate tab": the copy's sessionStorage holds the original's name.
    expect(sessionStorage.getItem(CLIENT_KEY)).toBe(originalId);
    const copy = await (await loadPage()).tabIdentity();
    expect(copy.clientId).toMatch(/^tab-/);
    expect(copy.clientId).not.toBe(originalId);
    expect(copy.copyOf).toEqual({ clientId: originalId, work: { path: null, document: doc, dirty: true, weightsPath: '/work/lenet.wts' } });
    expect(sessionStorage.getItem(CLIENT_KEY)).toBe(copy.clientId);
  });
});
