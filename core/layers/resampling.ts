/** Resampling: `addResize` (nearest, linear, cubic) with TensorRT 10's InterpolationMode and helper enums. */
import { formatDims, formatList, mapDim } from '../shapes/dims.js';
import { boolParam, enumParam, floatsParam, intsParam } from './params.js';
import { fail, type PrimitiveSpec } from './types.js';

/** How many innermost dimensions each InterpolationMode may resize (IResizeLayer::setResizeMode). */
const RESIZABLE_DIMS: Record<string, number> = { NEAREST: 8, LINEAR: 3, CUBIC: 2 };

export const addResize: PrimitiveSpec = {
  kind: 'primitive',
  type: 'addResize',
  category: 'Resampling',
  label: 'Resize',
  aliases: [{ names: ['upsample', 'interpolate', 'resize', 'upsampling', 'nn.upsample'] }],
  doc: 'Resize the innermost dims by scales (out = floor(in·scale)) or to fixed output dims, by nearest, linear or cubic interpolation.',
  params: [
    {
      name: 'resizeMode',
      kind: 'enum',
      enumType: 'InterpolationMode',
      values: ['NEAREST', 'LINEAR', 'CUBIC'],
      default: 'NEAREST',
      doc: 'NEAREST resizes up to 8 innermost dims, LINEAR up to 3, CUBIC 2.',
    },
    {
      name: 'coordinateTransformation',
      kind: 'enum',
      enumType: 'ResizeCoordinateTransformation',
      values: ['ALIGN_CORNERS', 'ASYMMETRIC', 'HALF_PIXEL'],
      default: 'ASYMMETRIC',
      doc: 'How output coordinates map to input coordinates (PyTorch align_corners=False is HALF_PIXEL for LINEAR).',
    },
    {
      name: 'nearestRounding',
      kind: 'enum',
      enumType: 'ResizeRoundMode',
      values: ['HALF_UP', 'HALF_DOWN', 'FLOOR', 'CEIL'],
      default: 'FLOOR',
      doc: 'How NEAREST rounds a fractional input coordinate (PyTorch nearest is FLOOR).',
    },
    {
      name: 'selectorForSinglePixel',
      kind: 'enum',
      enumType: 'ResizeSelector',
      values: ['FORMULA', 'UPPER'],
      default: 'FORMULA',
      doc: 'For a 1-pixel output: use the coordinate formula, or the upper-left pixel.',
    },
    { name: 'cubicCoeff', kind: 'float', default: -0.75, min: -1, max: 0, doc: 'The cubic coefficient A (−0.75 like PyTorch bicubic, −0.5 like OpenCV).' },
    { name: 'excludeOutside', kind: 'bool', default: false, doc: 'CUBIC: give samples outside the input weight 0 and renormalise.' },
    {
      name: 'scales',
      kind: 'floats',
      default: [1, 1, 2, 2],
      maxLength: 8,
      doc: 'One scale per input dim (out = floor(in·scale)); leave empty to use outputDimensions.',
    },
    {
      name: 'outputDimensions',
      kind: 'ints',
      default: [],
      maxLength: 8,
      min: 0,
      doc: 'Fixed output dims, one per input dim; leave empty to use scales.',
    },
  ],
  inputs: [{ name: 'input', doc: 'Any tensor of rank ≥ 1.' }],
  outputs: [{ name: 'output', doc: 'The resized tensor.' }],
  infer: (ctx) => {
    const input = ctx.inputs.input!;
    const rank = input.dims.length;
    const scales = floatsParam(ctx.params, 'scales');
    const outputDims = intsParam(ctx.params, 'outputDimensions');
    const mode = enumParam(ctx.params, 'resizeMode');
    if (scales.length > 0 && outputDims.length > 0) fail('set either scales or outputDimensions, not both', 'outputDimensions');
    if (scales.length === 0 && outputDims.length === 0) fail('set scales or outputDimensions; both are empty', 'scales');
    let dims: number[];
    if (scales.length > 0) {
      if (scales.length !== rank)
        fail(`scales ${formatList(scales)} has ${scales.length} values but the input ${formatDims(input.dims)} has rank ${rank}`, 'scales');
      scales.forEach((s) => {
        if (!(s > 0)) fail(`scales ${formatList(scales)} must all be positive`, 'scales');
      });
      dims = input.dims.map((d, i) => mapDim(d, (x) => Math.floor(x * scales[i]!)));
    } else {
      if (outputDims.length !== rank)
        fail(
          `outputDimensions ${formatList(outputDims)} has ${outputDims.length} values but the input ${formatDims(input.dims)} has rank ${rank}`,
          'outputDimensions',
        );
      dims = [...outputDims];
    }
    const field = scales.length > 0 ? 'scales' : 'outputDimensions';
    const limit = RESIZABLE_DIMS[mode]!;
    const resized = dims.map((d, i) => (scales.length > 0 ? scales[i] !== 1 : d !== input.dims[i]));
    const outermost = resized.indexOf(true);
    if (outermost >= 0 && outermost < rank - limit)
      fail(`${mode} resizes only the innermost ${limit} dimensions, but ${field} changes dimension ${outermost} of ${formatDims(input.dims)}`, field);
    if (mode === 'CUBIC' && rank < 2) fail(`CUBIC needs an input of rank ≥ 2; got ${formatDims(input.dims)}`, 'resizeMode');
    if (boolParam(ctx.params, 'excludeOutside') && mode !== 'CUBIC') fail(`excludeOutside applies only to CUBIC, not ${mode}`, 'excludeOutside');
    dims.forEach((d, i) => {
      if (d === 0 && input.dims[i] !== 0) fail(`the output would be empty along dimension ${i}: ${formatDims(input.dims)} → ${formatDims(dims)}`, field);
    });
    return [{ dims, dtype: input.dtype }];
  },
  summary: (p) => {
    const scales = p.scales as number[];
    const mode = String(p.resizeMode).toLowerCase();
    return scales.length > 0 ? `${mode} ×${scales.join(',')}` : `${mode} → ${formatList(p.outputDimensions as number[])}`;
  },
};

export const resamplingLayers = [addResize];
