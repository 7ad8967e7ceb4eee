/**
 * The inspector: a form generated from the selected layer's catalog schema. Enums are selects,
 * int lists compact editors; a value is checked as typed (message inline) and committed on Enter
 * or blur as one undo step.
 */
import { memo } from 'react';
import { TextField } from './TextField.js';
import { DefinitionParams, ExpressionFields, InstanceFields, MakeBlockFields, ProjectBlocks } from './BlockFields.js';
import { catalogFor } from '../../core/blocks/document-catalog.js';
import { checkParam } from '../../core/layers/params.js';
import type { ParamSpec } from '../../core/layers/types.js';
import { markOutput, rename, setParam, unmarkOutput, updateInput } from '../../core/network/edit.js';
import { DATA_TYPES, type DataType, type NetworkInput, type NetworkNode, type ParamValue } from '../../core/network/types.js';
import { formatDims, parseDimsText } from '../../core/shapes/dims.js';
import { useEditor, useEditorStore } from '../react/editor-context.js';
import { bypassSelection, expandSelection } from '../editor/commands.js';
import { count } from '../../core/words.js';

/** Text for a value in an input box: lists as `7, 7`. */
function toText(value: ParamValue | undefined): string {
  if (Array.isArray(value)) return value.join(', ');
  return value === undefined ? '' : String(value);
}

/** Parse typed text for a parameter kind; a parse failure is reported by checkParam with the raw text. */
function parseValue(spec: ParamSpec, text: string): unknown {
  const t = text.trim();
  switch (spec.kind) {
    case 'int':
    case 'float':
      return t === '' || Number.isNaN(Number(t)) ? t : Number(t);
    case 'ints':
    case 'floats': {
      if (t === '') return [];
      const parts = t.split(/[\s,×x]+/).filter((p) => p.length > 0);
      return parts.every((p) => !Number.isNaN(Number(p))) ? parts.map(Number) : t;
    }
    default:
      return t;
  }
}

function ParamField({ node, spec }: { node: NetworkNode; spec: ParamSpec }) {
  const store = useEditorStore();
  const value = node.params[spec.name];
  const commitValue = (v: ParamValue) => store.getState().apply((doc) => setParam(doc, node.id, spec.name, v));
  if (spec.kind === 'enum')
    return (
      <label className="field" title={spec.doc}>
        <span className="field-label">{spec.name}</span>
        <select value={String(value)} onChange={(e) => commitValue(e.target.value)} data-testid={`param-${spec.name}`}>
          {spec.values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <span className="field-doc">
          {spec.enumType}: {spec.doc}
        </span>
      </label>
    );
  if (spec.kind === 'bool')
    return (
      <label className="field field-inline" title={spec.doc}>
        <input type="checkbox" checked={value === true} onChange={(e) => commitValue(e.target.checked)} data-testid={`param-${spec.name}`} />
        <span className="field-label">{spec.name}</span>
        <span className="field-doc">{spec.doc}</span>
      </label>
    );
  return (
    <TextField
      label={spec.kind === 'ints' || spec.kind === 'floats' ? `${spec.name} [${(value as number[] | undefined)?.length ?? 0}]` : spec.name}
      doc={spec.doc + ('min' in spec && spec.min !== undefined ? ` (min ${spec.min})` : '')}
      value={toText(value)}
      check={(text) => checkParam(spec, parseValue(spec, text))}
      commit={(text) => commitValue(parseValue(spec, text) as ParamValue)}
      testId={`param-${spec.name}`}
    />
  );
}

function NodeOutputs({ nodeId }: { nodeId: string }) {
  const outputs = useEditor((s) => s.shapes.nodes[nodeId]?.outputs);
  const weights = useEditor((s) => s.shapes.nodes[nodeId]?.weights);
  const marked = useEditor((s) =>
    s.doc.outputs
      .filter((o) => o.from.node === nodeId)
      .map((o) => o.name)
      .join(','),
  );
  const store = useEditorStore();
  return (
    <>
      <div className="inspector-section">Outputs</div>
      {Object.entries(outputs ?? {}).map(([port, t]) => (
        <div key={port} className="kv">
          <span>{port}</span>
          <span className="mono">
            {formatDims(t.dims)} {t.dtype}
          </span>
          <button
            className="small"
            onClick={() => {
              const name = marked.split(',').find((n) => n.length > 0);
              store.getState().apply((doc) => (name ? unmarkOutput(doc, name) : markOutput(doc, { node: nodeId, port })));
            }}
            title="markOutput: make this tensor a network output"
          >
            {marked ? `output ${marked}` : 'mark output'}
          </button>
        </div>
      ))}
      {Object.keys(outputs ?? {}).length === 0 && <div className="muted">Not inferred yet: connect the inputs.</div>}
      {weights && weights.length > 0 && (
        <>
          <div className="inspector-section">Weights</div>
          {weights.map((w) => (
            <div key={w.name} className="kv" title={w.doc}>
              <span>{w.name}</span>
              <span className="mono">
                {w.shape ? formatDims(w.shape) : '?'} = {w.count ?? '?'}
                {w.optional ? ' (optional)' : ''}
              </span>
            </div>
          ))}
        </>
      )}
    </>
  );
}

function NodeProblems({ nodeId }: { nodeId: string }) {
  const messages = useEditor((s) =>
    s.diagnostics
      .filter((d) => d.nodeId === nodeId)
      .map((d) => `${d.severity}|${d.message}`)
      .join('\n'),
  );
  if (!messages) return null;
  return (
    <div className="inspector-problems">
      {messages.split('\n').map((m) => {
        const [severity, text] = [m.slice(0, m.indexOf('|')), m.slice(m.indexOf('|') + 1)];
        return (
          <div key={m} className={`problem problem-${severity}`}>
            {text}
          </div>
        );
      })}
    </div>
  );
}

function LayerInspector({ node }: { node: NetworkNode }) {
  const store = useEditorStore();
  const catalog = useEditor((s) => catalogFor(s.doc));
  const spec = catalog.spec(node.type);
  if (!spec) return <div className="muted">Unknown layer type {node.type}.</div>;
  return (
    <div className="inspector-body" data-testid="inspector">
      <div className="inspector-type">{spec.kind === 'composite' && spec.type.startsWith('block:') ? `Block ${spec.label}` : spec.type}</div>
      <div className="inspector-doc">{spec.doc}</div>
      <TextField
        label="name"
        doc="Unique layer name; templates use PyTorch module names so weights map by name."
        value={node.name}
        check={(t) => (t.trim() ? undefined : 'a name cannot be empty')}
        commit={(t) => store.getState().apply((doc) => rename(doc, node.id, t))}
        testId="param-name"
      />
      <NodeProblems nodeId={node.id} />
      <div className="inspector-section">Parameters</div>
      {spec.params.map((p) => (
        <ParamField key={p.name} node={node} spec={p} />
      ))}
      {spec.params.length === 0 && <div className="muted">No parameters.</div>}
      <ExpressionFields node={node} spec={spec} />
      <InstanceFields node={node} spec={spec} />
      <NodeOutputs nodeId={node.id} />
      <div className="inspector-actions">
        {spec.kind === 'composite' && (
          <button onClick={() => expandSelection(store)} data-testid="expand-composite">
            Expand into primitives
          </button>
        )}
        <button onClick={() => bypassSelection(store)}>Bypass</button>
      </div>
    </div>
  );
}

function InputInspector({ input }: { input: NetworkInput }) {
  const store = useEditorStore();
  // Each dynamic dimension with the name the ONNX model gave it: `axis 0: -1 (batch)`.
  const dynamicNames = input.dims.flatMap((d, axis) => (d < 0 && input.dimNames?.[axis] ? [`axis ${axis}: -1 (${input.dimNames[axis]})`] : []));
  const parseDims = parseDimsText;
  const dimsProblem = (t: string) => {
    const dims = parseDims(t);
    if (dims.length === 0 || dims.length > 8) return 'an input has 1 to 8 dimensions';
    return dims.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) ? undefined : `'${t}' must be positive integers, −1 for a dynamic dimension`;
  };
  return (
    <div className="inspector-body" data-testid="inspector">
      <div className="inspector-type">addInput</div>
      <div className="inspector-doc">A network input: the tensor the engine is fed.</div>
      <TextField
        label="name"
        doc="Tensor name TensorRT and ONNX see."
        value={input.name}
        check={(t) => (t.trim() ? undefined : 'a name cannot be empty')}
        commit={(t) => store.getState().apply((doc) => rename(doc, input.id, t))}
        testId="param-name"
      />
      <label className="field">
        <span className="field-label">dtype</span>
        <select value={input.dtype} onChange={(e) => store.getState().apply((doc) => updateInput(doc, input.id, { dtype: e.target.value as DataType }))}>
          {DATA_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <TextField
        label={`dims [${input.dims.length}]`}
        doc="Dims, e.g. 1, 3, 224, 224; −1 for a dynamic dimension."
        value={input.dims.join(', ')}
        check={dimsProblem}
        commit={(t) => store.getState().apply((doc) => updateInput(doc, input.id, { dims: parseDims(t) }))}
        testId="param-dims"
      />
      {dynamicNames.length > 0 && (
        <div className="muted" title="The names the ONNX model gave its dynamic dimensions" data-testid="input-dim-names">
          {dynamicNames.join(', ')}
        </div>
      )}
    </div>
  );
}

export const Inspector = memo(function Inspector() {
  const selectedId = useEditor((s) => (s.selected.length === 1 ? s.selected[0] : undefined));
  const selectedCount = useEditor((s) => s.selected.length);
  const node = useEditor((s) => (selectedId ? s.doc.nodes.find((n) => n.id === selectedId) : undefined));
  const input = useEditor((s) => (selectedId ? s.doc.inputs.find((i) => i.id === selectedId) : undefined));
  const docName = useEditor((s) => s.doc.name);
  const definitionOpen = useEditor((s) => s.blockEdit !== undefined);
  const counts = useEditor(
    (s) =>
      `${count(s.doc.nodes.length, 'layer')}, ${count(s.doc.inputs.length, 'input')}, ${count(s.doc.edges.length, 'wire')}, ${count(s.doc.outputs.length, 'output')}`,
  );
  return (
    <aside className="inspector">
      <div className="panel-title">Inspector</div>
      {node && <LayerInspector key={node.id} node={node} />}
      {input && <InputInspector key={input.id} input={input} />}
      {!node && !input && (
        <div className="inspector-body">
          <div className="inspector-type">{docName}</div>
          <div className="muted">{selectedCount > 1 ? `${selectedCount} nodes selected. Ctrl+G groups them.` : 'Select a layer to edit its parameters.'}</div>
          {selectedCount > 1 && <MakeBlockFields />}
          <div className="muted">{counts}</div>
          {selectedCount <= 1 && (definitionOpen ? <DefinitionParams /> : <ProjectBlocks />)}
        </div>
      )}
    </aside>
  );
});
