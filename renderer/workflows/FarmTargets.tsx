/**
 * The Farm tab's targets: a small table (name, partition, GRES, setup lines, backend, precisions,
 * batch profiles), loaded from a targets.json on this computer and saved as one on the host. A file
 * is read through core's `parseTargetsFile`, the same reader as `trt-studio farm submit --targets`,
 * so a bad file gets the same message (the file, the field) and replaces nothing.
 */
import { memo, useRef, useState } from 'react';
import type { FarmTarget } from '../../core/api/farm-schemas.js';
import { PrecisionSchema } from '../../core/api/job-schemas.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { formatTargetsFile, parseTargetsFile } from '../../core/farm/targets-file.js';
import { useHost, usePickFiles } from '../react/host-context.js';
import { formatProfiles, parseProfiles } from './farm-model.js';
import { formatBytes } from './format.js';

const PRECISIONS = PrecisionSchema.options;

/** A new row: a Slurm target on the reference runtime, which every node can run. */
function newTarget(existing: readonly FarmTarget[]): FarmTarget {
  let n = existing.length + 1;
  while (existing.some((t) => t.name === `target-${n}`)) n++;
  return { name: `target-${n}`, scheduler: 'slurm', setup: [], backend: 'onnxruntime', precisions: ['fp32'], profiles: [] };
}

/** The profiles cell: free text while typing, parsed when it loses focus; a bad entry keeps the old profiles and says why. */
function ProfilesField({ target, onChange, index }: { target: FarmTarget; onChange: (t: FarmTarget) => void; index: number }) {
  const [draft, setDraft] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <>
      <input
        value={draft ?? formatProfiles(target.profiles)}
        placeholder="default (the project's inputs)"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => {
          if (draft === undefined) return;
          const r = parseProfiles(draft);
          if (r.ok) {
            onChange({ ...target, profiles: r.profiles });
            setDraft(undefined);
            setProblem(undefined);
          } else setProblem(r.message);
        }}
        className={problem ? 'invalid' : ''}
        title={problem ?? 'Batch profiles as name=min/opt/max, separated by commas'}
        data-testid={`farm-target-profiles-${index}`}
      />
      {problem && (
        <div className="wf-error-text" data-testid={`farm-target-profiles-problem-${index}`}>
          {problem}
        </div>
      )}
    </>
  );
}

export const FarmTargets = memo(function FarmTargets({
  targets,
  onChange,
  onDiagnostics,
}: {
  targets: readonly FarmTarget[];
  onChange: (targets: FarmTarget[]) => void;
  /** Problems and notes of loading and saving, shown by the panel. */
  onDiagnostics: (diagnostics: Diagnostic[]) => void;
}) {
  const host = useHost();
  const pickFiles = usePickFiles();
  const fileInput = useRef<HTMLInputElement>(null);

  const load = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    const r = parseTargetsFile(await file.text(), file.name);
    if (!r.ok) return onDiagnostics(r.diagnostics);
    onChange(r.value);
    onDiagnostics([{ severity: 'info', code: 'farm.targets.loaded', message: `Loaded ${r.value.length} target(s) from ${file.name}.` }]);
  };

  const save = async () => {
    if (!host) return;
    const [path] = await pickFiles({ purpose: 'export', title: 'Save the targets', mode: 'save', defaultName: 'targets.json' });
    if (!path) return;
    const r = await host.call('files.write', { path, data: formatTargetsFile(targets), encoding: 'utf8' });
    onDiagnostics(r.ok ? [{ severity: 'info', code: 'farm.targets.saved', message: `Wrote ${r.value.path} (${formatBytes(r.value.bytes)}).` }] : r.diagnostics);
  };

  const update = (i: number, t: FarmTarget) => onChange(targets.map((old, j) => (j === i ? t : old)));
  const togglePrecision = (i: number, t: FarmTarget, p: FarmTarget['precisions'][number], on: boolean) => {
    const precisions = PRECISIONS.filter((q) => (q === p ? on : t.precisions.includes(q)));
    if (precisions.length > 0) update(i, { ...t, precisions });
  };
  const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());

  return (
    <div className="wf-farm-targets" data-testid="farm-targets">
      <div className="wf-toolbar">
        <strong>Targets</strong>
        <button className="small" onClick={() => fileInput.current?.click()} data-testid="farm-targets-load">
          Load targets.json…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => {
            void load(e.target.files);
            e.target.value = '';
          }}
          data-testid="farm-targets-file"
        />
        <button className="small" onClick={() => void save()} disabled={!host || targets.length === 0} data-testid="farm-targets-save">
          Save targets.json…
        </button>
        <button className="small" onClick={() => onChange([...targets, newTarget(targets)])} data-testid="farm-targets-add">
          Add target
        </button>
      </div>
      {targets.length === 0 ? (
        <div className="muted">No targets yet: load a targets.json or add one.</div>
      ) : (
        <div className="wf-table-wrap">
          <table className="wf-table wf-farm-target-table">
            <thead>
              <tr>
                <th>name</th>
                <th>partition</th>
                <th>GRES</th>
                <th>setup lines</th>
                <th>backend</th>
                <th>precisions</th>
                <th>batch profiles</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {targets.map((t, i) => (
                <tr key={i} data-testid="farm-target-row">
                  <td>
                    <input
                      value={t.name}
                      onChange={(e) => e.target.value.trim() !== '' && update(i, { ...t, name: e.target.value })}
                      data-testid={`farm-target-name-${i}`}
                    />
                    {t.scheduler === 'kubernetes' && <span className="muted"> (Kubernetes)</span>}
                  </td>
                  <td>
                    <input
                      value={t.partition ?? ''}
                      placeholder="default"
                      onChange={(e) => update(i, { ...t, partition: optional(e.target.value) })}
                      data-testid={`farm-target-partition-${i}`}
                    />
                  </td>
                  <td>
                    <input
                      value={t.gres ?? ''}
                      placeholder="none (CPU)"
                      onChange={(e) => update(i, { ...t, gres: optional(e.target.value) })}
                      data-testid={`farm-target-gres-${i}`}
                    />
                  </td>
                  <td>
                    <textarea
                      rows={Math.max(1, t.setup.length)}
                      value={t.setup.join('\n')}
                      placeholder="module load tensorrt/10.8"
                      onChange={(e) => update(i, { ...t, setup: e.target.value === '' ? [] : e.target.value.split('\n') })}
                      data-testid={`farm-target-setup-${i}`}
                    />
                  </td>
                  <td>
                    <select
                      value={t.backend}
                      onChange={(e) => update(i, { ...t, backend: e.target.value === 'tensorrt' ? 'tensorrt' : 'onnxruntime' })}
                      data-testid={`farm-target-backend-${i}`}
                    >
                      <option value="tensorrt">TensorRT</option>
                      <option value="onnxruntime">ONNX Runtime</option>
                    </select>
                  </td>
                  <td className="wf-farm-precisions">
                    {PRECISIONS.filter((p) => p === 'fp32' || p === 'fp16' || t.precisions.includes(p)).map((p) => (
                      <label key={p} className="wf-check">
                        <input
                          type="checkbox"
                          checked={t.precisions.includes(p)}
                          onChange={(e) => togglePrecision(i, t, p, e.target.checked)}
                          data-testid={`farm-target-precision-${i}-${p}`}
                        />
                        {p}
                      </label>
                    ))}
                  </td>
                  <td>
                    <ProfilesField target={t} onChange={(nt) => update(i, nt)} index={i} />
                  </td>
                  <td>
                    <button
                      className="small"
                      title="Remove this target"
                      onClick={() => onChange(targets.filter((_, j) => j !== i))}
                      data-testid={`farm-target-remove-${i}`}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
});
