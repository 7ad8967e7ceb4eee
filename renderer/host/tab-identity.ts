/**
 * Which client a browser tab is towards its host. A tab keeps its name in sessionStorage for its
 * life, reloads included, and the host keeps one recovery file per name. A browser's "Duplicate
 * tab" copies sessionStorage, so the copy would share the original's name, and both would write one
 * recovery file. So a tab holds a Web Lock named after its client id while it lives; a page that
 * finds that lock held is a copy: it asks the original, over a BroadcastChannel, for the work it
 * shows, so the copy starts from the same work, and takes a fresh name for its own recovery file.
 *
 * Web Locks exist only in secure contexts (https, 127.0.0.1, localhost). Elsewhere a page claims
 * its name on the channel and a live owner answers that it is taken.
 */
import type { OpenedProject } from '../../core/api/project-schemas.js';

const CLIENT_KEY = 'trtstudio.client';
const CHANNEL = 'trtstudio.tabs';
/** How long a page waits for its name's lock: on a reload the old page may still be letting go of it. */
const LOCK_WAIT_MS = 1000;
/** How long a page without Web Locks waits for a live owner of its name to answer its claim. */
const CLAIM_WAIT_MS = 250;
/** How long a copied tab waits for the original to send its work (a busy original answers late). */
const WORK_WAIT_MS = 5000;

/** The tab's name; for a copy, the original's name and the work the original showed when asked. */
export interface TabIdentity {
  clientId: string;
  copyOf?: { clientId: string; work: TabWork | null };
}

/** The work a tab shows, as another tab can take it over. */
export type TabWork = Pick<OpenedProject, 'path' | 'document' | 'dirty' | 'weightsPath'>;

type TabMessage =
  | { type: 'claim'; clientId: string }
  | { type: 'taken'; clientId: string }
  | { type: 'ask-work'; clientId: string }
  | { type: 'work'; clientId: string; work: TabWork | null };

function newClientId(): string {
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `tab-${Date.now().toString(36)}-${random[0]!.toString(36)}${random[1]!.toString(36)}`;
}

function openChannel(): BroadcastChannel | undefined {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : undefined;
}

/** Hold the lock named after `id` for the page's life; false when another page holds it for longer than `waitMs`. */
function holdNameLock(locks: LockManager, id: string, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    locks
      .request(`${CHANNEL}.${id}`, { signal: AbortSignal.timeout(waitMs) }, () => {
        resolve(true);
        return new Promise<never>(() => {});
      })
      .catch(() => resolve(false));
  });
}

/** Without Web Locks: whether a live page answers that it owns `id`. */
function claimAnswered(channel: BroadcastChannel, id: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent<TabMessage>) => {
      if (e.data.type !== 'taken' || e.data.clientId !== id) return;
      clearTimeout(timer);
      channel.removeEventListener('message', onMessage);
      resolve(true);
    };
    const timer = setTimeout(() => {
      channel.removeEventListener('message', onMessage);
      resolve(false);
    }, CLAIM_WAIT_MS);
    channel.addEventListener('message', onMessage);
    channel.postMessage({ type: 'claim', clientId: id } satisfies TabMessage);
  });
}

let identity: Promise<TabIdentity> | undefined;
let channel: BroadcastChannel | undefined;
/** What this tab shows, for a copy that asks; set by the page once it has a store. */
let workOfThisTab: () => TabWork | null = () => null;

/** Answer the channel as the owner of `id`: claims of the name, and copies asking for the work. */
function answerAsOwner(id: string): void {
  channel?.addEventListener('message', (e: MessageEvent<TabMessage>) => {
    if (e.data.clientId !== id) return;
    if (e.data.type === 'claim') channel!.postMessage({ type: 'taken', clientId: id } satisfies TabMessage);
    else if (e.data.type === 'ask-work') channel!.postMessage({ type: 'work', clientId: id, work: workOfThisTab() } satisfies TabMessage);
  });
}

async function settleIdentity(): Promise<TabIdentity> {
  channel = openChannel();
  const kept = sessionStorage.getItem(CLIENT_KEY);
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const ownName = (id: string): Promise<boolean> =>
    locks ? holdNameLock(locks, id, LOCK_WAIT_MS) : channel ? claimAnswered(channel, id).then((answered) => !answered) : Promise.resolve(true);
  if (kept && (await ownName(kept))) {
    answerAsOwner(kept);
    return { clientId: kept };
  }
  let copyOf: TabIdentity['copyOf'];
  if (kept) {
    const answer = await askForWork(kept);
    // No answer: the page holding the name was going away (a slow reload), so the name is this tab's after all.
    if (answer === 'no answer' && (await ownName(kept))) {
      answerAsOwner(kept);
      return { clientId: kept };
    }
    copyOf = { clientId: kept, work: answer === 'no answer' ? null : answer };
  }
  const fresh = newClientId();
  sessionStorage.setItem(CLIENT_KEY, fresh);
  if (locks) await holdNameLock(locks, fresh, LOCK_WAIT_MS);
  answerAsOwner(fresh);
  return copyOf ? { clientId: fresh, copyOf } : { clientId: fresh };
}

/** Ask the tab that owns `original` for the work it shows. */
function askForWork(original: string): Promise<TabWork | null | 'no answer'> {
  const ch = channel;
  if (!ch) return Promise.resolve('no answer');
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent<TabMessage>) => {
      if (e.data.type !== 'work' || e.data.clientId !== original) return;
      clearTimeout(timer);
      ch.removeEventListener('message', onMessage);
      resolve(e.data.work);
    };
    const timer = setTimeout(() => {
      ch.removeEventListener('message', onMessage);
      resolve('no answer');
    }, WORK_WAIT_MS);
    ch.addEventListener('message', onMessage);
    ch.postMessage({ type: 'ask-work', clientId: original } satisfies TabMessage);
  });
}

/** This tab's name, settled once per page: its own from sessionStorage, or a fresh one for a new tab or a copy. */
export function tabIdentity(): Promise<TabIdentity> {
  return (identity ??= settleIdentity());
}

/** What this tab shows, handed to a copy of it that asks. */
export function shareWorkWithCopies(provider: () => TabWork | null): void {
  workOfThisTab = provider;
}
