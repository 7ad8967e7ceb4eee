// Window ops (convolution, deconvolution, pooling): TensorRT padding modes become explicit ONNX pads.
import { attr, bool, ints, num, str, type TranslateContext } from './context.js';

/**
 * ONNX begin/end pads that give TensorRT's output size for a window op along each spatial dim:
 * SAME modes split the total padding (the odd pixel at the end for SAME_UPPER, at the start for
 * SAME_LOWER); EXPLICIT_ROUND_UP adds the padding the rounded-up last window needs at the end.
 */
function windowPads(
  ctx: TranslateContext,
  spatial: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
  pre: readonly number[],
  post: readonly number[],
  mode: string,
): { begin: number[]; end: number[] } {
  if (mode === 'EXPLICIT_ROUND_DOWN') return { begin: [...pre], end: [...post] };
  const begin: number[] = [];
  const end: number[] = [];
  spatial.forEach((size, i) => {
    if (size < 0) ctx.fail(`padding mode ${mode} needs static spatial dimensions to compute explicit ONNX pads; got a dynamic dimension ${i}`, 'paddingMode');
    const dk = 1 + dilation[i]! * (kernel[i]! - 1);
    const s = stride[i]!;
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + dk - size, 0);
      const small = Math.floor(total / 2);
      begin.push(mode === 'SAME_UPPER' ? small : total - small);
      end.push(mode === 'SAME_UPPER' ? total - small : small);
    } else {
      const span = size + pre[i]! + post[i]! - dk;
      const out = Math.ceil(span / s) + 1;
      begin.push(pre[i]!);
      end.push(post[i]! + Math.max(0, (out - 1) * s + dk - (size + pre[i]! + post[i]!)));
    }
  });
  return { begin, end };
}

export function convolution(ctx: TranslateContext, transposed: boolean): void {
  const p = ctx.op.params;
  const input = ctx.inputInfo('input');
  const kernel = ints(p, 'kernelSize');
  const stride = ints(p, 'stride');
  const dilation = ints(p, 'dilation');
  const mode = str(p, 'paddingMode');
  let begin = ints(p, 'prePadding');
  let end = ints(p, 'postPadding');
  if (!transposed) ({ begin, end } = windowPads(ctx, input.dims.slice(2), kernel, stride, dilation, begin, end, mode));
  else if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER')
    ctx.fail(
      `deconvolution with padding mode ${mode} is not translated: TensorRT does not document how it splits that padding; use EXPLICIT_ROUND_DOWN with explicit pre/post padding`,
      'paddingMode',
    );
  const w = ctx.weight('kernel');
  if (!w) ctx.fail('the kernel weights are not bound', 'kernel');
  const b = ctx.weight('bias');
  ctx.node(
    transposed ? 'ConvTranspose' : 'Conv',
    b ? [ctx.input('input'), w, b] : [ctx.input('input'), w],
    [ctx.output('output')],
    [
      attr.ints('kernel_shape', kernel),
      attr.ints('strides', stride),
      attr.ints('dilations', dilation),
      attr.ints('pads', [...begin, ...end]),
      attr.int('group', num(p, 'nbGroups')),
    ],
  );
}

export function pooling(ctx: TranslateContext): void {
  const p = ctx.op.params;
  const input = ctx.inputInfo('input');
  const window = ints(p, 'windowSize');
  const stride = ints(p, 'stride');
  const pre = ints(p, 'prePadding');
  const post = ints(p, 'postPadding');
  const mode = str(p, 'paddingMode');
  const type = str(p, 'type');
  const ones = window.map(() => 1);
  const { begin, end } = windowPads(ctx, input.dims.slice(2), window, stride, ones, pre, post, mode);
  end.forEach((e, i) => {
    if (e >= window[i]! || begin[i]! >= window[i]!)
      ctx.fail(
        `the padding this window needs (${begin.join(',')}/${end.join(',')}) is not smaller than the window ${window.join('×')}, which ONNX pooling does not allow`,
        'windowSize',
      );
  });
  const excludes = bool(p, 'averageCountExcludesPadding');
  const roundUpExtra = mode === 'EXPLICIT_ROUND_UP' && end.some((e, i) => e !== post[i]);
  const common = [attr.ints('kernel_shape', window), attr.ints('strides', stride)];
  // Padding is excluded from the average either way; when it counts, the rounded-up overhang must not (ceil_mode does that).
  const averageAttributes =
    !excludes && roundUpExtra
      ? [...common, attr.ints('pads', [...pre, ...post]), attr.int('ceil_mode', 1), attr.int('count_include_pad', 1)]
      : [...common, attr.ints('pads', [...begin, ...end]), attr.int('count_include_pad', excludes ? 0 : 1)];
  const maxAttributes = [...common, attr.ints('pads', [...begin, ...end])];
  if (type === 'MAX') ctx.node('MaxPool', [ctx.input('input')], [ctx.output('output')], maxAttributes);
  else if (type === 'AVERAGE') ctx.node('AveragePool', [ctx.input('input')], [ctx.output('output')], averageAttributes);
  else {
    const blend = num(p, 'blendFactor');
    const max = ctx.temp('max');
    const avg = ctx.temp('average');
    ctx.node('MaxPool', [ctx.input('input')], [max], maxAttributes);
    ctx.node('AveragePool', [ctx.input('input')], [avg], averageAttributes);
    const maxPart = ctx.temp('max_part');
    const avgPart = ctx.temp('average_part');
    ctx.node('Mul', [max, ctx.floats('one_minus_blend', [1 - blend], [])], [maxPart]);
    ctx.node('Mul', [avg, ctx.floats('blend', [blend], [])], [avgPart]);
    ctx.node('Add', [maxPart, avgPart], [ctx.output('output')]);
  }
}
