/** Renderer entry: connect to the host (if any), create the editor store, mount the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
// The stylesheets in cascade order: later ones win ties with earlier ones.
import './styles/base.css';
import './styles/canvas.css';
import './styles/panels.css';
import './styles/overlays.css';
import './styles/status.css';
import { App } from './app/App.js';
import { connectToHost } from './host/host-connection.js';
import { createEditorStore } from './editor/editor-store.js';

const host = connectToHost();
const store = createEditorStore();
// Exposed for the end-to-end tests and benchmarks, which read the document the way a user cannot.
(window as unknown as { __trtStudio?: unknown }).__trtStudio = { store };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} host={host} />
  </StrictMode>,
);
