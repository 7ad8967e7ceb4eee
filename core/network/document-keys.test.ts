import { describe, expect, it } from 'vitest';
import { NetworkDocumentSchema } from '../api/schemas.js';
import { buildTemplate } from '../templates/index.js';
import { unknownKeyProblem } from './document-keys.js';
import type { NetworkDocument } from './types.js';

/** LeNet-5 as an imported model with a dynamic batch holds it: the ONNX dim names and a profile on its input. */
function importedDynamic(): NetworkDocument {
  const doc = buildTemplate('lenet5')!;
  const [input] = doc.inputs;
  return {
    ...doc,
    inputs: [{ ...input!, dims: [-1, 1, 32, 32], dimNames: ['batch', '', '', ''], profile: { min: [1, 1, 32, 32], opt: [1, 1, 32, 32], max: [8, 1, 32, 32] } }],
  };
}

describe('the keys an edit may leave in a document', () => {
  it('are every key the project format takes, optional ones included (an imported model’s dim names)', () => {
    const doc = importedDynamic();
    expect(NetworkDocumentSchema.safeParse(doc).success).toBe(true);
    expect(unknownKeyProblem(doc)).toBeUndefined();
  });

  it('name the first key the format does not know', () => {
    const doc = importedDynamic();
    const stray = { ...doc, inputs: [{ ...doc.inputs[0]!, side: 'left' } as NetworkDocument['inputs'][number]] };
    expect(NetworkDocumentSchema.safeParse(stray).success).toBe(false);
    expect(unknownKeyProblem(stray)).toBe('inputs[0] has an unknown key "side"');
  });
});
