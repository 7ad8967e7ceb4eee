/**
 * The Build tab's shape profiles: for each dynamic input, the min, opt and max dims TensorRT builds
 * for. They are the input's own profile in the project (saved with it, and read by every build, the
 * generated code and the farm); an input without one shows the default, every dynamic dim at 1. A
 * field is committed, as one undoable edit, when it loses focus or on Enter; text that is not a shape,
 * or a profile the network refuses, is said under the fields and changes nothing.
 */
import { memo, useState } from 'react';
import { error, type Diagnostic } from '../../core/diagnostics.js';
import { updateInput } from '../../core/network/edit.js';
import { defaultProfile, type NetworkInput, type ShapeProfile } from '../../core/network/types.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { formatDimsList } from './format.js';
import { parseDimsText } from '../../core/shapes/dims.js';

const BOUNDS = ['min', 'opt', 'max'] as const;
type Bound = (typeof BOUNDS)[number];

/** A shape as typed: positive integers separated by commas, spaces or ×. */
function parseShape(text: string): number[] | undefined {
  const parts = parseDimsText(text);
  return parts.length > 0 && parts.every((n) => Number.isInteger(n) && n >= 1) ? parts : undefined;
}

const sameProfile = (a: ShapeProfile, b: ShapeProfile) => BOUNDS.every((k) => a[k].join() === b[k].join());

/** `problem` reports the text not yet committed because it is wrong (undefined once it is fixed), so a build can wait for it. */
export const InputProfiles = memo(function InputProfiles({ onProblem }: { onProblem: (problem: Diagnostic | undefined) => void }) {
  const store = useEditorStore();
  const inputs = useEditor((s) => s.doc.inputs);
  const [drafts, setDrafts] = useState<Record<string, Partial<Record<Bound, string>>>>({});
  const [problem, setProblem] = useState<Diagnostic | undefined>();
  const dynamic = inputs.filter((i) => i.dims.includes(-1));
  if (dynamic.length === 0) return null;

  const report = (p: Diagnostic | undefined) => {
    setProblem(p);
    onProblem(p);
  };
  const profileOf = (input: NetworkInput) => input.profile ?? defaultProfile(input.dims);

  const commit = (input: NetworkInput) => {
    const draft = drafts[input.id];
    if (!draft) return;
    const current = profileOf(input);
    const next: ShapeProfile = { ...current };
    for (const k of BOUNDS) {
      const text = draft[k];
      if (text === undefined) continue;
      const shape = parseShape(text);
      if (!shape)
        return report(
          error(
            'build.profile',
            `The ${k} shape of input '${input.name}' is '${text}'; give positive integers, one per dimension, e.g. ${current[k].join(', ')}.`,
            {
              nodeId: input.id,
              field: 'profile',
            },
          ),
        );
      next[k] = shape;
    }
    if (!input.profile || !sameProfile(next, current)) {
      const edited = updateInput(store.getState().doc, input.id, { profile: next });
      if (!edited.ok) return report(edited.diagnostics[0]);
      store.getState().apply(() => edited);
    }
    setDrafts((d) => {
      const { [input.id]: _done, ...rest } = d;
      return rest;
    });
    report(undefined);
  };

  return (
    <div className="wf-profiles" data-testid="build-profiles">
      {dynamic.map((input) => (
        <div key={input.id} className="wf-row">
          <span className="mono">
            {input.name} {formatDimsList(input.dims)}
          </span>
          {BOUNDS.map((k) => (
            <label key={k}>
              {k}
              <input
                value={drafts[input.id]?.[k] ?? profileOf(input)[k].join(', ')}
                onChange={(e) => setDrafts((d) => ({ ...d, [input.id]: { ...d[input.id], [k]: e.target.value } }))}
                onBlur={() => commit(input)}
                onKeyDown={(e) => e.key === 'Enter' && commit(input)}
                data-testid={`build-profile-${k}`}
              />
            </label>
          ))}
        </div>
      ))}
      {problem && (
        <div className="wf-error-text" data-testid="build-profile-problem">
          {problem.message}
        </div>
      )}
    </div>
  );
});
