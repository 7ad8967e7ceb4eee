/**
 * The bottom dock: Problems and the workflow panels (weights, build, run, profile, compare, farm) as tabs, with the
 * export menu. Every panel stays mounted when hidden, so a running job and its results survive a tab
 * switch. The dock owns the file browser the panels ask for files through (`usePickFiles`).
 */
import { memo, useCallback, useEffect, useState, type ReactNode } from 'react';
import { FILE_PURPOSE_EXTENSIONS } from '../../core/api/project-schemas.js';
import { type JobKind } from '../../core/api/job-schemas.js';
import { nativePick, startFolder, type PickFiles } from '../host/file-picking.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { PickFilesProvider, useHost } from '../react/host-context.js';
import { BuildPanel } from './BuildPanel.js';
import { ComparePanel } from './ComparePanel.js';
import { ExportMenu } from './ExportMenu.js';
import { FarmPanel } from './FarmPanel.js';
import { FileBrowser, type FileBrowserRequest } from './FileBrowser.js';
import { ProfilePanel } from './ProfilePanel.js';
import { RunPanel } from './RunPanel.js';
import { isWeightsFile, WeightsPanel } from './WeightsPanel.js';
import './workflows.css';

export type DockTab = 'problems' | 'weights' | 'build' | 'run' | 'profile' | 'compare' | 'farm';

const TABS: { id: DockTab; label: string }[] = [
  { id: 'problems', label: 'Problems' },
  { id: 'weights', label: 'Weights' },
  { id: 'build', label: 'Build' },
  { id: 'run', label: 'Run' },
  { id: 'profile', label: 'Profile' },
  { id: 'compare', label: 'Compare' },
  { id: 'farm', label: 'Farm' },
];

/** The tab that shows a running job of each kind (an export has none: the export menu shows it). */
const JOB_TABS: Record<JobKind, DockTab | undefined> = {
  'weights.import': 'weights',
  'model.import': undefined,
  build: 'build',
  run: 'run',
  profile: 'profile',
  export: undefined,
  compare: 'compare',
};

const TabBadge = memo(function TabBadge({ tab }: { tab: DockTab }) {
  const problems = useEditor((s) => (tab === 'problems' ? s.diagnostics.filter((d) => d.severity === 'error').length : 0));
  const busy = useEditor((s) => s.jobs.find((j) => JOB_TABS[j.kind] === tab)?.progress ?? (s.jobs.some((j) => JOB_TABS[j.kind] === tab) ? -1 : undefined));
  if (busy !== undefined) return <span className="wf-tab-busy">{busy >= 0 ? `${Math.round(busy * 100)}%` : '…'}</span>;
  if (problems > 0) return <span className="count error">{problems}</span>;
  return null;
});

export const WorkflowDock = memo(function WorkflowDock({ problems }: { problems: ReactNode }) {
  const host = useHost();
  const store = useEditorStore();
  const [tab, setTab] = useState<DockTab>('problems');
  const [request, setRequest] = useState<FileBrowserRequest | undefined>();

  const pickFiles = useCallback<PickFiles>(
    async (req) => {
      if (!host) return [];
      const folder = startFolder(req, store.getState().filePath);
      const request = folder ? { ...req, folder } : req;
      const native = await nativePick(host, request);
      if (native) return native;
      return new Promise((resolve) => setRequest({ ...request, resolve }));
    },
    [host, store],
  );

  useEffect(() => {
    if (!host) return;
    return host.on('menu.command', ({ command }) => {
      if (command === 'file.importWeights') setTab('weights');
      else if (command === 'network.build') setTab('build');
      else if (command === 'network.run') setTab('run');
      else if (command === 'network.profile') setTab('profile');
    });
  }, [host]);
  useEffect(() => {
    if (!host) return;
    return host.on('host.openFiles', ({ paths }) => {
      const lower = paths.map((p) => p.toLowerCase());
      if (lower.some(isWeightsFile)) setTab('weights');
      else if (lower.some((p) => FILE_PURPOSE_EXTENSIONS.images.some((ext) => p.endsWith(ext)))) setTab('run');
    });
  }, [host]);

  return (
    <PickFilesProvider pickFiles={pickFiles}>
      <section className={`wf-dock${tab === 'problems' ? '' : ' expanded'}`} data-testid="workflow-dock">
        <div className="wf-tabs" role="tablist">
          {TABS.map((t) => (
            <button
              key={t.id}
              role="tab"
              aria-selected={tab === t.id}
              className={`wf-tab${tab === t.id ? ' active' : ''}`}
              onClick={() => setTab(t.id)}
              data-testid={`dock-tab-${t.id}`}
            >
              {t.label}
              <TabBadge tab={t.id} />
            </button>
          ))}
          <span className="status-spacer" />
          <ExportMenu />
        </div>
        <div className="wf-dock-body">
          <div className="wf-tab-panel" hidden={tab !== 'problems'}>
            {problems}
          </div>
          <div className="wf-tab-panel" hidden={tab !== 'weights'}>
            <WeightsPanel active={tab === 'weights'} />
          </div>
          <div className="wf-tab-panel" hidden={tab !== 'build'}>
            <BuildPanel />
          </div>
          <div className="wf-tab-panel" hidden={tab !== 'run'}>
            <RunPanel />
          </div>
          <div className="wf-tab-panel" hidden={tab !== 'profile'}>
            <ProfilePanel active={tab === 'profile'} />
          </div>
          <div className="wf-tab-panel" hidden={tab !== 'compare'}>
            <ComparePanel />
          </div>
          <div className="wf-tab-panel" hidden={tab !== 'farm'}>
            <FarmPanel active={tab === 'farm'} />
          </div>
        </div>
        {request && host && <FileBrowser host={host} request={request} close={() => setRequest(undefined)} />}
      </section>
    </PickFilesProvider>
  );
});
