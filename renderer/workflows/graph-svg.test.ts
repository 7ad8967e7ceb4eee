import { describe, expect, it } from 'vitest';
import { buildTemplate } from '../../core/templates/index.js';
import { inferShapes } from '../../core/shapes/infer.js';
import { networkToSvg } from './graph-svg.js';

describe('networkToSvg', () => {
  it('draws every layer with its type, name and output dims, and labels each wire with its tensor dims', () => {
    const doc = buildTemplate('lenet5')!;
    const svg = networkToSvg(doc, inferShapes(doc));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g transform=/g)).toHaveLength(doc.nodes.length + doc.inputs.length);
    expect(svg.match(/<path /g)).toHaveLength(doc.edges.length);
    expect(svg).toContain('>conv1</text>');
    expect(svg).toContain('>[1, 6, 28, 28]</text>');
    expect(svg).toContain('>[1, 1, 32, 32]</text>');
    expect(svg).toContain('<title>lenet5</title>');
  });

  it('escapes names so the file stays well-formed XML', () => {
    const doc = buildTemplate('lenet5')!;
    const renamed = { ...doc, name: 'a<b>&"c"', nodes: doc.nodes.map((n, i) => (i === 0 ? { ...n, name: "x<y & 'z'" } : n)) };
    const svg = networkToSvg(renamed, inferShapes(renamed));
    expect(svg).toContain('<title>a&lt;b&gt;&amp;&quot;c&quot;</title>');
    expect(svg).toContain('>x&lt;y &amp; &apos;z&apos;</text>');
    expect(new DOMParserLike(svg).ok).toBe(true);
  });
});

/** A minimal well-formedness check without a DOM: every '&' starts an entity and tags balance. */
class DOMParserLike {
  ok: boolean;
  constructor(xml: string) {
    const badAmp = /&(?!(lt|gt|amp|quot|apos);)/.test(xml);
    const opens = (xml.match(/<(svg|g|title)\b/g) ?? []).length;
    const closes = (xml.match(/<\/(svg|g|title)>/g) ?? []).length;
    this.ok = !badAmp && opens === closes;
  }
}
