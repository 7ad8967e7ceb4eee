/**
 * The inspector's block parts: an instance's repeat (count, first index, the first copy's own
 * parameter values) and its definition button; the selection's "Make block"; and, with nothing
 * selected, the project's blocks with the library file's load and save.
 */
import { useState } from 'react';
import { definitionOf } from '../../core/blocks/block-edits.js';
import { repeatProblem } from '../../core/blocks/compile.js';
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { BLOCK_LIBRARY_EXTENSION } from '../../core/blocks/library.js';
import { checkParam } from '../../core/layers/params.js';
import type { LayerSpec, ParamSpec } from '../../core/layers/types.js';
import type { NetworkNode, NodeRepeat, ParamValue } from '../../core/network/types.js';
import { blockLibraryText, editDefinition, freshBlockName, loadBlockLibrary, makeBlockFromSelection, setInstanceRepeat } from '../editor/block-commands.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { TextField } from './TextField.js';

const wholeNumber = (min: number) => (t: string) => (/^\d+$/.test(t.trim()) && Number(t) >= min ? undefined : `a whole number of at least ${min}`);

/** A first-copy override typed as text: empty means "as the other copies". */
function parseOverride(spec: ParamSpec, text: string): unknown {
  const t = text.trim();
  if (spec.kind === 'int' || spec.kind === 'float') return Number.isNaN(Number(t)) ? t : Number(t);
  if (spec.kind === 'bool') return t === 'true' ? true : t === 'false' ? false : t;
  return t;
}

/** Repeat settings and the definition button of a block or composite instance. */
export function InstanceFields({ node, spec }: { node: NetworkNode; spec: LayerSpec }) {
  const store = useEditorStore();
  const isBlock = useEditor((s) => definitionOf(s.doc, node.type) !== undefined);
  const catalog = useEditor((s) => catalogFor(s.doc));
  if (spec.kind !== 'composite') return null;
  const repeat: NodeRepeat = node.repeat ?? { count: 1 };
  const update = (change: Partial<NodeRepeat>) => {
    const next = { ...repeat, ...change };
    if (next.first && Object.keys(next.first).length === 0) delete next.first;
    if (!next.start) delete next.start;
    if (!next.firstType) delete next.firstType;
    setInstanceRepeat(store, node.id, next);
  };
  const canRepeat = spec.inputs.length === 1 && spec.outputs.length === 1;
  const start = repeat.start ?? 0;
  const firstSpec = (repeat.firstType ? catalog.spec(repeat.firstType) : spec) ?? spec;
  // Another type for the first copy: the project's blocks (and this one's type) that chain.
  const firstChoices = [spec, ...catalog.blocks.filter((b) => b.type !== spec.type && !repeatProblem(b))];
  const chooseFirst = (type: string) => {
    const chosen = catalog.spec(type);
    if (!chosen) return;
    // The first copy starts from the node's values its type shares.
    const first = type === spec.type ? {} : Object.fromEntries(chosen.params.filter((p) => p.name in node.params).map((p) => [p.name, node.params[p.name]!]));
    update({ firstType: type === spec.type ? undefined : type, first });
  };
  return (
    <>
      {!isBlock && (
        <div className="inspector-actions">
          <button
            onClick={() => store.getState().openComposite(node.id)}
            data-testid="open-composite"
            title="See the layers this composite expands into (read-only)"
          >
            Open (see its layers)
          </button>
        </div>
      )}
      {isBlock && (
        <div className="inspector-actions">
          <button
            onClick={() => editDefinition(store, node.id)}
            data-testid="edit-definition"
            title="Open the block's layers on the canvas; every instance follows the edit"
          >
            Edit definition
          </button>
        </div>
      )}
      {canRepeat && (
        <>
          <div className="inspector-section">Repeat</div>
          <TextField
            label="copies"
            doc={`The block ${repeat.count} times in sequence, named ${node.name}.${start}${repeat.count > 1 ? ` … ${node.name}.${start + repeat.count - 1}` : ''}.`}
            value={String(repeat.count)}
            check={wholeNumber(1)}
            commit={(t) => update({ count: Number(t) })}
            testId="repeat-count"
          />
          {repeat.count > 1 && (
            <>
              <TextField
                label="first index"
                doc="The index of the first copy: 0 for layer1.0, 4 to continue features.4, features.5, …"
                value={String(start)}
                check={wholeNumber(0)}
                commit={(t) => update({ start: Number(t) })}
                testId="repeat-start"
              />
              <label className="field" title="A stage whose first block has a downsample branch: make that block its own definition and choose it here.">
                <span className="field-label">first copy is</span>
                <select value={firstSpec.type} onChange={(e) => chooseFirst(e.target.value)} data-testid="repeat-first-type">
                  {firstChoices.map((c) => (
                    <option key={c.type} value={c.type}>
                      {c === spec ? `${c.label} (as the others)` : c.label}
                    </option>
                  ))}
                </select>
              </label>
              <div className="muted">The first copy’s own values (a stage’s stride 2); empty is as the others.</div>
              {firstSpec.params.map((p) => (
                <TextField
                  key={p.name}
                  label={`first ${p.name}`}
                  doc={p.doc}
                  value={repeat.first?.[p.name] === undefined ? '' : String(repeat.first[p.name])}
                  check={(t) => (t.trim() === '' ? undefined : checkParam(p, parseOverride(p, t)))}
                  commit={(t) => {
                    const first = { ...repeat.first };
                    if (t.trim() === '') delete first[p.name];
                    else first[p.name] = parseOverride(p, t) as ParamValue;
                    update({ first });
                  }}
                  testId={`repeat-first-${p.name}`}
                />
              ))}
            </>
          )}
        </>
      )}
    </>
  );
}

/** With several layers selected: make them one block. */
export function MakeBlockFields() {
  const store = useEditorStore();
  const [name, setName] = useState(() => freshBlockName(store));
  return (
    <div className="inspector-actions make-block">
      <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Block name" data-testid="make-block-name" spellCheck={false} />
      <button onClick={() => makeBlockFromSelection(store, name.trim())} data-testid="make-block" title="Replace the selection by one instance of a new block">
        Make block
      </button>
    </div>
  );
}

/** Pick a file in the browser and read it as text; the host is not needed to read what the user picks. */
function pickText(accept: string): Promise<{ name: string; text: string } | undefined> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.dataset.testid = 'block-library-input';
    input.style.display = 'none';
    input.onchange = async () => {
      const file = input.files?.[0];
      input.remove();
      resolve(file ? { name: file.name, text: await file.text() } : undefined);
    };
    document.body.appendChild(input);
    input.click();
  });
}

/** The project's blocks and the library file, shown while nothing is selected. */
export function ProjectBlocks() {
  const store = useEditorStore();
  const names = useEditor((s) => (s.blockEdit?.project.doc ?? s.doc).blocks?.map((b) => b.name).join('\n') ?? '');
  const save = () => {
    const text = blockLibraryText(store);
    if (!text) return store.getState().notify('error', 'The project has no blocks to save yet: select layers and Make block first.');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    link.download = `${store.getState().doc.name.replace(/[^\w.-]+/g, '_') || 'blocks'}${BLOCK_LIBRARY_EXTENSION}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };
  const load = async () => {
    const picked = await pickText(`${BLOCK_LIBRARY_EXTENSION},.json`);
    if (picked) loadBlockLibrary(store, picked.text, picked.name);
  };
  return (
    <>
      <div className="inspector-section">Blocks</div>
      {names ? (
        names.split('\n').map((n) => (
          <div key={n} className="kv" data-testid="project-block">
            <span>{n}</span>
            <button className="small" onClick={() => store.getState().openDefinition(n)} data-testid={`open-block-${n}`}>
              edit
            </button>
          </div>
        ))
      ) : (
        <div className="muted">No blocks yet: select layers and Make block.</div>
      )}
      <div className="inspector-actions">
        <button onClick={() => void load()} data-testid="load-block-library">
          Load library…
        </button>
        <button onClick={save} data-testid="save-block-library">
          Save library
        </button>
      </div>
    </>
  );
}

const NO_EXPRESSIONS: Record<string, string> = {};

/** In an open definition: each parameter of the selected inner layer may be an expression over the block's parameters. */
export function ExpressionFields({ node, spec }: { node: NetworkNode; spec: LayerSpec }) {
  const store = useEditorStore();
  const exprs = useEditor((s) => s.blockEdit?.context.exprs[node.id] ?? NO_EXPRESSIONS);
  const names = useEditor((s) =>
    [...(s.blockEdit?.context.params.map((p) => p.name) ?? []), ...(s.blockEdit?.context.lets.map((l) => l.name) ?? [])].join(', '),
  );
  const open = useEditor((s) => s.blockEdit !== undefined);
  if (!open) return null;
  return (
    <>
      <div className="inspector-section">Computed from the block’s parameters</div>
      <div className="muted">
        {names ? `Expressions may use ${names}, numbers, + − * / // %, min and max.` : 'Add block parameters (select nothing) to compute values from them.'}
      </div>
      {spec.params.map((p) => (
        <TextField
          key={p.name}
          label={`${p.name} =`}
          doc={exprs[p.name] ? `Computed for each instance; the value above is this instance's.` : 'Empty: the value above, the same in every instance.'}
          value={exprs[p.name] ?? ''}
          check={() => undefined}
          commit={(t) => store.getState().setBlockExpression(node.id, p.name, t)}
          testId={`expr-${p.name}`}
        />
      ))}
    </>
  );
}

/** In an open definition with nothing selected: the block's exposed parameters, added and removed. */
export function DefinitionParams() {
  const store = useEditorStore();
  const context = useEditor((s) => s.blockEdit?.context);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'int' | 'float' | 'bool'>('int');
  const [value, setValue] = useState('1');
  if (!context) return null;
  const add = () => {
    const parsed = kind === 'bool' ? value.trim() === 'true' : Number(value);
    if (store.getState().setBlockParams([...context.params, { name: name.trim(), kind, default: parsed }])) setName('');
  };
  return (
    <>
      <div className="inspector-section">Block {context.block}: parameters</div>
      {context.params.length === 0 && <div className="muted">None yet: every instance is the same. Add one, then compute layer values from it.</div>}
      {context.params.map((p) => (
        <div key={p.name} className="kv" data-testid="block-param">
          <span>{p.name}</span>
          <span className="mono">
            {p.kind} = {String(p.default)}
          </span>
          <button
            className="small"
            title="Remove the parameter"
            onClick={() => store.getState().setBlockParams(context.params.filter((x) => x.name !== p.name))}
          >
            ×
          </button>
        </div>
      ))}
      <div className="inspector-actions make-block">
        <input
          value={name}
          placeholder="name"
          onChange={(e) => setName(e.target.value)}
          aria-label="Parameter name"
          data-testid="block-param-name"
          spellCheck={false}
        />
        <select value={kind} onChange={(e) => setKind(e.target.value as 'int' | 'float' | 'bool')} aria-label="Parameter kind" data-testid="block-param-kind">
          <option value="int">int</option>
          <option value="float">float</option>
          <option value="bool">bool</option>
        </select>
        <input value={value} onChange={(e) => setValue(e.target.value)} aria-label="Default value" data-testid="block-param-default" spellCheck={false} />
        <button onClick={add} data-testid="block-param-add">
          Add
        </button>
      </div>
    </>
  );
}
