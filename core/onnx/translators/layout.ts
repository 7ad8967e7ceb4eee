// Translators that move, select or resample elements: shuffle, concatenation, resize, slice, gather and padding.
import { ONNX_INT64 } from '../model.js';
import { attr, bool, ints, num, str, variadic, type TranslateContext } from './context.js';

export function shuffle(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const first = ints(p, 'firstTranspose');
  const reshape = ints(p, 'reshapeDimensions');
  const second = ints(p, 'secondTranspose');
  const isIdentity = (perm: number[]) => perm.every((v, i) => v === i);
  const steps: ((from: string, to: string) => void)[] = [];
  if (first.length > 0 && !isIdentity(first)) steps.push((from, to) => ctx.node('Transpose', [from], [to], [attr.ints('perm', first)]));
  if (reshape.length > 0)
    steps.push((from, to) =>
      // TensorRT's placeholders are ONNX's: 0 copies (allowzero = 0), −1 is inferred.
      ctx.node('Reshape', [from, ctx.int64s('shape', reshape)], [to], [attr.int('allowzero', bool(p, 'zeroIsPlaceholder') ? 0 : 1)]),
    );
  if (second.length > 0 && !isIdentity(second)) steps.push((from, to) => ctx.node('Transpose', [from], [to], [attr.ints('perm', second)]));
  if (steps.length === 0) return ctx.node('Identity', [ctx.input('input')], [ctx.output('output')]);
  let x = ctx.input('input');
  steps.forEach((step, i) => {
    const y = i === steps.length - 1 ? ctx.output('output') : ctx.temp(`step${i}`);
    step(x, y);
    x = y;
  });
}

export function concatenation(ctx: TranslateContext): void {
  ctx.node('Concat', variadic(ctx, 'inputs'), [ctx.output('output')], [attr.int('axis', num(ctx.op.params, 'axis'))]);
}

const COORDINATE_MODES: Record<string, string> = { ALIGN_CORNERS: 'align_corners', ASYMMETRIC: 'asymmetric', HALF_PIXEL: 'half_pixel' };
const NEAREST_MODES: Record<string, string> = { HALF_UP: 'round_prefer_ceil', HALF_DOWN: 'round_prefer_floor', FLOOR: 'floor', CEIL: 'ceil' };

export function resize(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const scales = p.scales as number[];
  const output = ctx.op.outputInfo.output!.dims;
  const input = ctx.inputInfo('input').dims;
  if (str(p, 'selectorForSinglePixel') === 'UPPER' && output.some((d, i) => d === 1 && input[i] !== 1))
    ctx.fail('selectorForSinglePixel UPPER on a one-pixel output has no ONNX equivalent', 'selectorForSinglePixel');
  const mode = str(p, 'resizeMode');
  const attributes = [
    attr.string('mode', mode.toLowerCase()),
    attr.string('coordinate_transformation_mode', COORDINATE_MODES[str(p, 'coordinateTransformation')]!),
    attr.string('nearest_mode', NEAREST_MODES[str(p, 'nearestRounding')]!),
    attr.float('cubic_coeff_a', num(p, 'cubicCoeff')),
    attr.int('exclude_outside', bool(p, 'excludeOutside') ? 1 : 0),
  ];
  // TensorRT maps coordinates with the given scales when they are set, as ONNX does with a scales input.
  const inputs =
    scales.length > 0 ? [ctx.input('input'), '', ctx.floats('scales', scales)] : [ctx.input('input'), '', '', ctx.int64s('sizes', ints(p, 'outputDimensions'))];
  ctx.node('Resize', inputs, [ctx.output('output')], attributes);
}

/** Per axis, the input index each output position reads and whether it lies inside the input (FILL). */
function sliceIndices(extent: number, start: number, size: number, stride: number, mode: string): { index: number[]; inside: boolean[] } | string {
  const index: number[] = [];
  const inside: boolean[] = [];
  for (let i = 0; i < size; i++) {
    const raw = start + i * stride;
    const valid = raw >= 0 && raw < extent;
    inside.push(valid);
    if (mode === 'WRAP') index.push(((raw % extent) + extent) % extent);
    else if (mode === 'CLAMP' || mode === 'FILL' || mode === 'STRICT_BOUNDS') index.push(Math.min(Math.max(raw, 0), extent - 1));
    else return `sample mode ${mode} is not translated: TensorRT does not document its reflection convention`;
  }
  return { index, inside };
}

export function slice(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const dims = ctx.inputInfo('input').dims;
  const start = ints(p, 'start');
  const size = ints(p, 'size');
  const stride = ints(p, 'stride');
  const mode = str(p, 'mode');
  if (dims.some((d) => d < 0)) ctx.fail('slicing a tensor with dynamic dimensions is not translated yet', 'input');
  // Static shapes: each axis becomes a Gather with the exact indices TensorRT reads (covers zero and negative strides, WRAP, CLAMP, FILL).
  const axes: { axis: number; index: number[]; inside: boolean[] }[] = [];
  dims.forEach((extent, axis) => {
    const result = sliceIndices(extent, start[axis]!, size[axis]!, stride[axis]!, mode);
    if (typeof result === 'string') ctx.fail(result, 'mode');
    const identity = result.index.length === extent && result.index.every((v, i) => v === i) && result.inside.every(Boolean);
    if (!identity) axes.push({ axis, ...result });
  });
  const needsMask = mode === 'FILL' && axes.some((a) => a.inside.some((v) => !v));
  let x = ctx.input('input');
  axes.forEach((a, i) => {
    const y = i === axes.length - 1 && !needsMask ? ctx.output('output') : ctx.temp(`axis${a.axis}`);
    ctx.node('Gather', [x, ctx.int64s(`indices_axis${a.axis}`, a.index)], [y], [attr.int('axis', a.axis)]);
    x = y;
  });
  if (axes.length === 0) return ctx.node('Identity', [x], [ctx.output('output')]);
  if (!needsMask) return;
  const total = size.reduce((acc, d) => acc * d, 1);
  const mask = new Uint8Array(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let inside = true;
    for (let axis = size.length - 1; axis >= 0; axis--) {
      const position = rest % size[axis]!;
      rest = Math.floor(rest / size[axis]!);
      const entry = axes.find((a) => a.axis === axis);
      if (entry && !entry.inside[position]) inside = false;
    }
    mask[flat] = inside ? 1 : 0;
  }
  const fill = ctx.optionalInput('fillValue') ?? ctx.floats('fill_zero', [0], []);
  ctx.node('Where', [ctx.bools('inside', mask, size), x, fill], [ctx.output('output')]);
}

export function gather(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const mode = str(p, 'mode');
  const batch = num(p, 'nbElementWiseDims');
  const data = ctx.input('data');
  const indices = ctx.input('indices');
  if (mode === 'DEFAULT') {
    if (batch !== 0) ctx.fail('DEFAULT gather with nbElementWiseDims 1 has no ONNX equivalent', 'nbElementWiseDims');
    return ctx.node('Gather', [data, indices], [ctx.output('output')], [attr.int('axis', num(p, 'axis'))]);
  }
  if (mode === 'ELEMENT') return ctx.node('GatherElements', [data, indices], [ctx.output('output')], [attr.int('axis', num(p, 'axis'))]);
  let ndIndices = indices;
  if (ctx.inputInfo('indices').dtype !== 'INT64') {
    ndIndices = ctx.temp('indices_int64');
    ctx.node('Cast', [indices], [ndIndices], [attr.int('to', ONNX_INT64)]);
  }
  ctx.node('GatherND', [data, ndIndices], [ctx.output('output')], [attr.int('batch_dims', batch)]);
}

export function padding(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const rank = ctx.inputInfo('input').dims.length;
  const zeros = Array<number>(rank - 2).fill(0);
  // Negative pads crop, as in TensorRT.
  const pads = [...zeros, ...ints(p, 'prePadding'), ...zeros, ...ints(p, 'postPadding')];
  ctx.node('Pad', [ctx.input('input'), ctx.int64s('pads', pads)], [ctx.output('output')], [attr.string('mode', 'constant')]);
}
