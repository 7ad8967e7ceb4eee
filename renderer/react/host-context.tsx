/**
 * The host connection provided through React context, so that panels ask `useHost()` for it instead
 * of receiving it as a prop through every level; and the file picker the workflow dock provides.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { HostApi } from '../../core/api/client.js';
import type { PickFiles } from '../host/file-picking.js';

const HostContext = createContext<HostApi | undefined>(undefined);

/** Provide the host connection (undefined when the page was opened without a host) to the components below. */
export function HostProvider({ host, children }: { host: HostApi | undefined; children: ReactNode }) {
  return <HostContext.Provider value={host}>{children}</HostContext.Provider>;
}

/** The host the editor talks to, or undefined when the page was opened without one. */
export function useHost(): HostApi | undefined {
  return useContext(HostContext);
}

/** Without a provider (no dock) nothing can be picked. */
const pickNothing: PickFiles = async () => [];

const PickFilesContext = createContext<PickFiles>(pickNothing);

/** Provide the way panels ask for files (the workflow dock's native dialog or in-page browser). */
export function PickFilesProvider({ pickFiles, children }: { pickFiles: PickFiles; children: ReactNode }) {
  return <PickFilesContext.Provider value={pickFiles}>{children}</PickFilesContext.Provider>;
}

/** Ask for files: resolves with the chosen paths (none when cancelled). */
export function usePickFiles(): PickFiles {
  return useContext(PickFilesContext);
}
