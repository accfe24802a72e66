// importer/torch_helpers.cpp - the Python helper functions generated code may call.
//
// An ONNX op whose torch equivalent needs more than one expression (ONNX's Reshape
// zeros, Slice clamping, pooling with asymmetric pads, Resize coordinate modes)
// calls one of these; only the helpers a model uses are written into its file.
#include "importer/torch_helpers.h"

#include <map>

namespace nf::importer {

namespace {

std::map<std::string, std::string, std::less<>> opHelpers();

// Every helper by name: the default domain's ops here, the training domain's in
// torch_training.cpp (next to their translation).
const std::map<std::string, std::string, std::less<>>& helperTable() {
  static const std::map<std::string, std::string, std::less<>> table = [] {
    std::map<std::string, std::string, std::less<>> t = opHelpers();
    for (const auto& [name, text] : detail::trainingHelpers()) t.emplace(name, text);
    return t;
  }();
  return table;
}

// Helpers of the default domain's ops.
std::map<std::string, std::string, std::less<>> opHelpers() {
  return {
      {"onnx_ints", R"PY(def onnx_ints(v):
    """A list of Python ints from a tensor, list or number (ONNX shape/axes inputs)."""
    if torch.is_tensor(v):
        v = v.reshape(-1).tolist()
    elif not isinstance(v, (list, tuple)):
        v = [v]
    return [int(i) for i in v]
)PY"},
      {"onnx_reshape", R"PY(def onnx_reshape(x, shape, allowzero=0):
    """ONNX Reshape: 0 copies the input's dimension unless allowzero."""
    shape = onnx_ints(shape)
    if not allowzero:
        shape = [x.shape[i] if v == 0 else v for i, v in enumerate(shape)]
    return x.reshape(shape)
)PY"},
      {"onnx_flatten", R"PY(def onnx_flatten(x, axis):
    """ONNX Flatten: always two dimensions, split at `axis`."""
    return x.reshape(int(math.prod(x.shape[:axis])), -1)
)PY"},
      {"onnx_slice", R"PY(def onnx_slice(x, starts, ends, axes=None, steps=None):
    """ONNX Slice (negative and out-of-range bounds clamp like Python slicing)."""
    starts, ends = onnx_ints(starts), onnx_ints(ends)
    axes = list(range(len(starts))) if axes is None else onnx_ints(axes)
    steps = [1] * len(starts) if steps is None else onnx_ints(steps)
    for s, e, a, st in zip(starts, ends, axes, steps):
        a = a % x.dim()
        n = x.shape[a]
        if st > 0:
            index = [slice(None)] * x.dim()
            index[a] = slice(max(-n - 1, min(n, s)), max(-n - 1, min(n, e)), st)
            x = x[tuple(index)]
        else:
            keep = list(range(n))[max(-n - 1, min(n, s)):max(-n - 1, min(n, e)):st]
            x = x.index_select(a, torch.tensor(keep, dtype=torch.long))
    return x
)PY"},
      {"onnx_gather", R"PY(def onnx_gather(x, index, axis=0):
    """ONNX Gather (numpy.take along one axis; negative indices count from the end)."""
    axis = axis % x.dim()
    index = index.long()
    index = torch.where(index < 0, index + x.shape[axis], index)
    return x[(slice(None),) * axis + (index,)]
)PY"},
      {"onnx_unsqueeze", R"PY(def onnx_unsqueeze(x, axes):
    rank = x.dim() + len(onnx_ints(axes))
    for a in sorted(a % rank for a in onnx_ints(axes)):
        x = x.unsqueeze(a)
    return x
)PY"},
      {"onnx_squeeze", R"PY(def onnx_squeeze(x, axes=None):
    if axes is None:
        return x.squeeze()
    for a in sorted((a % x.dim() for a in onnx_ints(axes)), reverse=True):
        x = x.squeeze(a)
    return x
)PY"},
      {"onnx_reduce", R"PY(def onnx_reduce(kind, x, axes=None, keepdims=1, noop_with_empty_axes=0):
    """ONNX Reduce*: axes from an attribute or an input; none means all (or none with noop)."""
    axes = [] if axes is None else onnx_ints(axes)
    if not axes:
        if noop_with_empty_axes:
            return x
        axes = list(range(x.dim()))
    axes = sorted(a % max(x.dim(), 1) for a in axes)
    keep = bool(keepdims)
    if kind == "ReduceMean":
        return x.mean(dim=axes, keepdim=keep)
    if kind == "ReduceSum":
        return x.sum(dim=axes, keepdim=keep)
    if kind in ("ReduceMax", "ReduceMin") and x.numel() == 0:  # ONNX: the identity, -inf / +inf (or the type's limits)
        shape = [1 if i in axes else n for i, n in enumerate(x.shape) if keep or i not in axes]
        info = torch.finfo(x.dtype) if x.is_floating_point() else torch.iinfo(x.dtype)
        low, high = (-math.inf, math.inf) if x.is_floating_point() else (info.min, info.max)
        return torch.full(shape, low if kind == "ReduceMax" else high, dtype=x.dtype)
    if kind == "ReduceMax":
        return torch.amax(x, dim=axes, keepdim=keep)
    if kind == "ReduceMin":
        return torch.amin(x, dim=axes, keepdim=keep)
    if kind == "ReduceSumSquare":
        return (x * x).sum(dim=axes, keepdim=keep)
    if kind == "ReduceL1":
        return x.abs().sum(dim=axes, keepdim=keep)
    if kind == "ReduceL2":
        return (x * x).sum(dim=axes, keepdim=keep).sqrt()
    if kind == "ReduceLogSum":
        return x.sum(dim=axes, keepdim=keep).log()
    if kind == "ReduceLogSumExp":
        return torch.logsumexp(x, dim=axes, keepdim=keep)
    if kind == "ReduceProd":
        for a in reversed(axes):
            x = x.prod(dim=a, keepdim=keep)
        return x
    raise NotImplementedError(kind)
)PY"},
      {"onnx_softmax_2d", R"PY(def onnx_softmax_2d(fn, x, axis):
    """Softmax before opset 13: over the input flattened to 2-D at `axis`."""
    shape = x.shape
    return fn(x.reshape(int(math.prod(shape[:axis])), -1), dim=1).reshape(shape)
)PY"},
      {"onnx_same_pad", R"PY(def onnx_same_pad(x, kernel, strides, dilations, lower, value=0.0):
    """auto_pad SAME_UPPER / SAME_LOWER: pad so that out = ceil(in / stride)."""
    pads = []
    for i in reversed(range(len(kernel))):
        n = x.shape[2 + i]
        out = -(-n // strides[i])
        total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - n)
        small = total // 2
        pads += [total - small, small] if lower else [small, total - small]
    return F.pad(x, pads, value=value)
)PY"},
      {"onnx_pad_spatial", R"PY(def onnx_pad_spatial(x, pads, value=0.0):
    """ONNX spatial pads [b1, b2, ..., e1, e2, ...] applied with F.pad."""
    n = len(pads) // 2
    order = []
    for i in reversed(range(n)):
        order += [pads[i], pads[n + i]]
    return F.pad(x, order, value=value)
)PY"},
      {"onnx_pool", R"PY(def onnx_pool(kind, x, kernel, strides, pads, dilations=None, ceil_mode=0, count_include_pad=0):
    """ONNX MaxPool / AveragePool with any pads: pad first, then pool without padding."""
    n = len(kernel)
    dilations = dilations or [1] * n
    fns = {"max": (F.max_pool1d, F.max_pool2d, F.max_pool3d), "avg": (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)}
    fn = fns[kind][n - 1]
    # ONNX output size: a last window that would start in the end padding is dropped.
    sizes = []
    for i in range(n):
        span = x.shape[2 + i] + pads[i] + pads[n + i] - dilations[i] * (kernel[i] - 1) - 1
        out = (-(-span // strides[i]) if ceil_mode else span // strides[i]) + 1
        if ceil_mode and (out - 1) * strides[i] >= x.shape[2 + i] + pads[i]:
            out -= 1
        sizes.append(out)
    dtype = x.dtype
    if not dtype.is_floating_point:
        x = x.to(torch.float64)
    if kind == "max":
        x = onnx_pad_spatial(x, pads, float("-inf")) if any(pads) else x
        y = fn(x, kernel, strides, 0, dilations, ceil_mode=bool(ceil_mode))
        return y[(slice(None), slice(None)) + tuple(slice(0, k) for k in sizes)].to(dtype)
    if any(d != 1 for d in dilations):
        # Dilated average: window sums as a convolution with a kernel of ones.
        conv = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
        shape = x.shape
        ones = torch.ones((1, 1) + tuple(shape[2:]), dtype=x.dtype)
        x = onnx_pad_spatial(x.reshape((-1, 1) + tuple(shape[2:])), pads, 0.0)
        ones = onnx_pad_spatial(ones, pads, 1.0 if count_include_pad else 0.0)
        extra = [max(0, (sizes[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - x.shape[2 + i]) for i in range(n)]
        x = onnx_pad_spatial(x, [0] * n + extra, 0.0)
        ones = onnx_pad_spatial(ones, [0] * n + extra, 0.0)
        w = torch.ones((1, 1) + tuple(kernel), dtype=x.dtype)
        y = conv(x, w, None, strides, 0, dilations) / conv(ones, w, None, strides, 0, dilations)
        return y.reshape(tuple(shape[:2]) + tuple(y.shape[2:])).to(dtype)
    # Average = window sum / count of the cells that count (pads count with count_include_pad).
    ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype)
    if any(pads):
        x = onnx_pad_spatial(x, pads, 0.0)
        ones = onnx_pad_spatial(ones, pads, 1.0 if count_include_pad else 0.0)
    total = fn(x, kernel, strides, 0, ceil_mode=bool(ceil_mode), count_include_pad=True)
    count = fn(ones, kernel, strides, 0, ceil_mode=bool(ceil_mode), count_include_pad=True)
    return (total / count)[(slice(None), slice(None)) + tuple(slice(0, k) for k in sizes)].to(dtype)
)PY"},
      {"onnx_conv", R"PY(def onnx_conv(x, w, b, strides, pads, dilations, groups):
    """ONNX Conv whose weight is computed in the graph."""
    n = w.dim() - 2
    fn = (F.conv1d, F.conv2d, F.conv3d)[n - 1]
    if any(pads):
        x = onnx_pad_spatial(x, pads)
    return fn(x, w, b, strides, 0, dilations, groups)
)PY"},
      {"onnx_gemm", R"PY(def onnx_gemm(a, b, c=None, alpha=1.0, beta=1.0, trans_a=0, trans_b=0):
    y = torch.matmul(a.t() if trans_a else a, b.t() if trans_b else b)
    if alpha != 1.0:
        y = y * alpha
    if c is not None:
        y = y + (c * beta if beta != 1.0 else c)
    return y
)PY"},
      {"onnx_pad", R"PY(def onnx_pad(x, pads, value=0.0, mode="constant", axes=None):
    """ONNX Pad: pads [b1.., e1..] per axis; modes constant, reflect, edge, wrap."""
    pads = onnx_ints(pads)
    rank = x.dim()
    axes = list(range(rank)) if axes is None else [a % rank for a in onnx_ints(axes)]
    n = len(axes)
    full = [0] * (2 * rank)
    for i, a in enumerate(axes):
        full[a], full[rank + a] = pads[i], pads[n + i]
    if torch.is_tensor(value):
        value = value.item() if value.numel() else 0.0
    if mode == "constant":
        return onnx_pad_spatial(x, full, value)
    torch_mode = {"reflect": "reflect", "edge": "replicate", "wrap": "circular"}[mode]
    lead = next((i for i in range(rank) if full[i] or full[rank + i]), rank)
    keep = x.shape[:lead]
    y = x.reshape((-1,) + tuple(x.shape[lead:])).unsqueeze(0) if lead > 0 else x.unsqueeze(0).unsqueeze(0)
    inner = full[lead:rank] + full[rank + lead:]
    y = onnx_pad_spatial_mode(y if y.is_floating_point() else y.to(torch.float64), inner, torch_mode).to(x.dtype)
    return y.reshape(tuple(keep) + tuple(y.shape[2:])) if lead > 0 else y.squeeze(0).squeeze(0)
)PY"},
      {"onnx_pad_spatial_mode", R"PY(def onnx_pad_spatial_mode(x, pads, mode):
    n = len(pads) // 2
    order = []
    for i in reversed(range(n)):
        order += [pads[i], pads[n + i]]
    return F.pad(x, order, mode=mode)
)PY"},
      {"onnx_resize", R"PY(def onnx_resize(x, scales=None, sizes=None, mode="nearest", transform="half_pixel",
                nearest_mode="round_prefer_floor", axes=None, cubic_a=-0.75, exclude_outside=0, antialias=0,
                roi=None, extrapolation=0.0, keep_aspect="stretch"):
    """ONNX Resize / Upsample, one axis at a time as ONNX defines it: each output sample comes
    from the input around its source coordinate (nearest, or a linear/cubic weighted sum whose
    kernel widens when antialiasing a downscale; samples past the edge repeat the edge)."""
    rank = x.dim()
    axes = list(range(rank)) if axes is None else [a % rank for a in axes]
    scale_of, size_of = [1.0] * rank, list(x.shape)
    if sizes is not None and len(onnx_ints(sizes)):
        wanted = onnx_ints(sizes)
        if keep_aspect != "stretch":  # one scale for every axis, the output rounded from it
            pick = min if keep_aspect == "not_larger" else max
            common = pick(n / x.shape[a] for a, n in zip(axes, wanted))
            wanted = [int(common * x.shape[a] + 0.5) for a in axes]
        for a, n in zip(axes, wanted):
            size_of[a], scale_of[a] = n, (common if keep_aspect != "stretch" else n / x.shape[a])
    else:
        given = [float(s) for s in (scales.reshape(-1).tolist() if torch.is_tensor(scales) else scales)]
        for a, sc in zip(axes, given):
            scale_of[a], size_of[a] = sc, int(math.floor(x.shape[a] * sc))
    crop = {}
    if transform == "tf_crop_and_resize":
        r = [float(v) for v in roi.reshape(-1).tolist()]
        crop = dict(zip(axes if len(r) == 2 * len(axes) else range(rank), zip(r[:len(r) // 2], r[len(r) // 2:])))
    dtype = x.dtype
    for axis in range(rank):
        n_in, n_out, scale = x.shape[axis], size_of[axis], scale_of[axis]
        if n_in == n_out and scale == 1.0 and axis not in crop:
            continue
        i = torch.arange(n_out, dtype=torch.float64)
        width = scale * n_in  # the unrounded output length
        if transform == "asymmetric":
            s = i / scale
        elif transform == "align_corners":
            s = i * (n_in - 1) / (width - 1) if width != 1 else i * 0
        elif transform == "pytorch_half_pixel":
            s = (i + 0.5) / scale - 0.5 if width > 1 else i * 0 - 0.5
        elif transform == "tf_half_pixel_for_nn":
            s = (i + 0.5) / scale
        elif transform == "half_pixel_symmetric":
            s = n_in / 2 * (1 - n_out / width) + (i + 0.5) / scale - 0.5
        elif transform == "tf_crop_and_resize":
            lo, hi = crop.get(axis, (0.0, 1.0))
            s = (i * (hi - lo) * (n_in - 1) / (width - 1) if width != 1 else i * 0 + (hi - lo) * (n_in - 1) / 2) + lo * (n_in - 1)
        else:
            s = (i + 0.5) / scale - 0.5
        if mode == "nearest":
            rounding = {"floor": torch.floor, "ceil": torch.ceil, "round_prefer_ceil": lambda v: torch.floor(v + 0.5)}
            j = rounding.get(nearest_mode, lambda v: torch.ceil(v - 0.5))(s)
            y = x.index_select(axis, j.clamp(0, n_in - 1).long())
        else:
            base = torch.ceil(s) - 1  # the sample left of s; s - base in (0, 1]
            ratio = s - base
            support = 1 if mode == "linear" else 2
            reach = min(scale, 1.0) if antialias else 1.0
            start = math.floor(-support / reach) + 1
            taps = torch.arange(start, 2 - start, dtype=torch.float64)
            d = ((taps[None, :] - ratio[:, None]) * reach).abs()
            if mode == "linear":
                w = (1 - d).clamp(min=0)
            else:
                a = cubic_a
                w = torch.where(d <= 1, ((a + 2) * d - (a + 3)) * d * d + 1,
                                torch.where(d < 2, ((a * d - 5 * a) * d + 8 * a) * d - 4 * a, torch.zeros_like(d)))
            index = base[:, None] + taps[None, :]
            if exclude_outside:
                w = w * ((index >= 0) & (index <= n_in - 1))
            w = w / w.sum(dim=1, keepdim=True)
            m = torch.zeros(n_out, n_in, dtype=torch.float64)
            m.index_put_((i.long()[:, None].expand_as(index), index.clamp(0, n_in - 1).long()), w, accumulate=True)
            y = torch.matmul(x.double().movedim(axis, -1), m.t()).movedim(-1, axis).to(dtype)
        if axis in crop:  # tf_crop_and_resize: a source outside the input gives the extrapolation value
            outside = ((s < 0) | (s > n_in - 1)).reshape([-1] + [1] * (rank - axis - 1))
            y = torch.where(outside, torch.full_like(y, extrapolation), y)
        x = y
    return x
)PY"},
      {"onnx_split", R"PY(def onnx_split(x, split, axis, count):
    """ONNX Split: explicit sizes, or `count` parts (the last one smaller if uneven)."""
    if split is not None and len(onnx_ints(split)):
        return torch.split(x, onnx_ints(split), dim=axis)
    return torch.split(x, -(-x.shape[axis] // count), dim=axis)
)PY"},
      {"onnx_depth_to_space", R"PY(def onnx_depth_to_space(x, b, mode):
    n, c, h, w = x.shape
    if mode == "DCR":
        y = x.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
    else:
        y = x.reshape(n, c // (b * b), b, b, h, w).permute(0, 1, 4, 2, 5, 3)
    return y.reshape(n, c // (b * b), h * b, w * b)
)PY"},
      {"onnx_space_to_depth", R"PY(def onnx_space_to_depth(x, b):
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)
)PY"},
      {"onnx_cumsum", R"PY(def onnx_cumsum(x, axis, exclusive=0, reverse=0):
    axis = int(onnx_ints(axis)[0])
    y = x.flip(axis) if reverse else x
    s = torch.cumsum(y, dim=axis)
    if exclusive:
        s = s - y
    return s.flip(axis) if reverse else s
)PY"},
      {"onnx_prelu", R"PY(def onnx_prelu(x, slope):
    """ONNX PRelu; an old-style per-channel slope of shape (C,) is applied along axis 1."""
    if slope.dim() == 1 and x.dim() > 2 and slope.numel() > 1 and slope.numel() != x.shape[-1]:
        slope = slope.reshape((-1,) + (1,) * (x.dim() - 2))
    return torch.where(x < 0, x * slope, x)
)PY"},
      {"onnx_matmul", R"PY(def onnx_matmul(a, b):
    """MatMul; float16 is computed in float32 (torch's CPU kernels lack half)."""
    if a.dtype == torch.float16:
        return torch.matmul(a.float(), b.float()).half()
    return torch.matmul(a, b)
)PY"},
      {"onnx_topk", R"PY(def onnx_topk(x, k, axis, largest):
    """ONNX TopK: ties keep the lower index first (a stable sort)."""
    values, indices = torch.sort(x, dim=axis, descending=bool(largest), stable=True)
    k = int(onnx_ints(k)[0])
    return values.narrow(axis, 0, k), indices.narrow(axis, 0, k)
)PY"},
      {"onnx_arg", R"PY(def onnx_arg(fn, x, axis, keepdims, last):
    """ArgMax / ArgMin; select_last_index searches from the end."""
    if not last:
        return fn(x, dim=axis, keepdim=bool(keepdims))
    axis = axis % x.dim()
    return x.shape[axis] - 1 - fn(x.flip(axis), dim=axis, keepdim=bool(keepdims))
)PY"},
      {"onnx_layer_norm", R"PY(def onnx_layer_norm(x, scale, bias, axis, eps):
    """LayerNormalization with its optional mean and inverse-std outputs."""
    axes = list(range(axis % x.dim(), x.dim()))
    xf = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
    mean = xf.mean(dim=axes, keepdim=True)
    inv_std = 1.0 / torch.sqrt(((xf - mean) ** 2).mean(dim=axes, keepdim=True) + eps)
    y = ((xf - mean) * inv_std).to(x.dtype) * scale
    if bias is not None:
        y = y + bias
    return y, mean, inv_std
)PY"},
      {"onnx_nll_loss", R"PY(def onnx_nll_loss(x, target, weight=None, reduction="mean", ignore_index=None):
    """NegativeLogLikelihoodLoss over (N, C, d1, ...) log-probabilities."""
    target = target.long()
    ignore = -100 if ignore_index is None else ignore_index
    if x.dim() > 2 and x.dim() != 4:
        n, c = x.shape[:2]
        x = x.reshape(n, c, 1, -1)
        shape = target.shape
        target = target.reshape(n, 1, -1)
        loss = F.nll_loss(x, target, weight=weight, reduction=reduction, ignore_index=ignore)
        return loss.reshape(shape) if reduction == "none" else loss
    return F.nll_loss(x, target, weight=weight, reduction=reduction, ignore_index=ignore)
)PY"},
      {"onnx_softmax_ce", R"PY(def onnx_softmax_ce(x, target, weight=None, reduction="mean", ignore_index=None):
    """SoftmaxCrossEntropyLoss: (loss, log_prob)."""
    log_prob = F.log_softmax(x, dim=1)
    return onnx_nll_loss(log_prob, target, weight, reduction, ignore_index), log_prob
)PY"},
      {"onnx_grid_sample", R"PY(def onnx_grid_sample(x, grid, mode, padding_mode, align_corners):
    mode = {"linear": "bilinear", "cubic": "bicubic"}.get(mode, mode)
    if mode == "nearest" and padding_mode in ("zeros", "border"):
        # ONNX rounds the exact source coordinate half to even; torch 1.13 rounds a float32
        # one, and a 3-D grid can land on the other neighbour.
        sizes = list(x.shape[2:])[::-1]  # width, height(, depth): the grid's order
        index, inside = 0, torch.ones(grid.shape[:-1], dtype=torch.bool)
        for k in reversed(range(len(sizes))):
            g = grid[..., k].double()
            p = torch.round((g + 1) / 2 * (sizes[k] - 1) if align_corners else ((g + 1) * sizes[k] - 1) / 2).long()
            inside &= (p >= 0) & (p < sizes[k])
            index = index * sizes[k] + p.clamp(0, sizes[k] - 1)
        n, c = x.shape[:2]
        out = x.reshape(n, c, -1).gather(2, index.reshape(n, 1, -1).expand(n, c, -1)).reshape(n, c, *grid.shape[1:-1])
        return out if padding_mode == "border" else torch.where(inside.unsqueeze(1), out, torch.zeros_like(out))
    return F.grid_sample(x, grid, mode=mode, padding_mode=padding_mode, align_corners=bool(align_corners))
)PY"},
      {"onnx_conv_transpose", R"PY(def onnx_conv_transpose(x, w, b, strides, pads, dilations, groups, output_padding):
    """ConvTranspose with ONNX pads (cropped from the full output)."""
    n = w.dim() - 2
    fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[n - 1]
    y = fn(x, w, b, strides, 0, output_padding, groups, dilations)
    index = [slice(None), slice(None)]
    for i in range(n):
        index.append(slice(pads[i], y.shape[2 + i] - pads[n + i]))
    return y[tuple(index)]
)PY"},
      {"onnx_scatter_nd", R"PY(def onnx_scatter_nd(x, indices, updates, reduction="none"):
    y = x.clone()
    k = indices.shape[-1]
    idx = tuple(indices.reshape(-1, k).long().t())
    upd = updates.reshape((-1,) + tuple(x.shape[k:]))
    if reduction == "none":
        y[idx] = upd
    elif reduction == "add":
        y.index_put_(idx, upd, accumulate=True)
    else:
        for j in range(upd.shape[0]):
            at = tuple(i[j] for i in idx)
            y[at] = {"mul": torch.mul, "max": torch.maximum, "min": torch.minimum}[reduction](y[at], upd[j])
    return y
)PY"},
      {"onnx_scatter_elements", R"PY(def onnx_scatter_elements(x, axis, indices, updates, reduction="none"):
    indices = indices.long()
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    if reduction == "none":
        return x.scatter(axis, indices, updates)
    name = {"add": "sum", "mul": "prod", "max": "amax", "min": "amin"}[reduction]
    return x.scatter_reduce(axis, indices, updates, name, include_self=True)
)PY"},
      {"onnx_gather_nd", R"PY(def onnx_gather_nd(x, indices, batch_dims=0):
    indices = indices.long()
    if batch_dims == 0:
        k = indices.shape[-1]
        idx = tuple(indices.reshape(-1, k).t())
        return x[idx].reshape(tuple(indices.shape[:-1]) + tuple(x.shape[k:]))
    return torch.stack([onnx_gather_nd(x[i], indices[i], batch_dims - 1) for i in range(x.shape[0])])
)PY"},
      {"onnx_one_hot", R"PY(def onnx_one_hot(indices, depth, values, axis=-1):
    depth = int(onnx_ints(depth)[0])
    indices = indices.long()
    indices = torch.where(indices < 0, indices + depth, indices)
    hot = F.one_hot(indices.clamp(0, depth - 1), depth) * ((indices >= 0) & (indices < depth)).unsqueeze(-1)
    y = torch.where(hot.bool(), values[1], values[0])
    return y.movedim(-1, axis % y.dim())
)PY"},
      {"onnx_attention", R"PY(def onnx_attention(q, k, v, mask=None, past_k=None, past_v=None, is_causal=0, q_heads=0,
                   kv_heads=0, scale=None, softcap=0.0, qk_mode=0, nonpad_kv_seqlen=None):
    """ONNX Attention (opset 23): returns (Y, present_key, present_value, qk_output)."""
    three_d = q.dim() == 3
    if three_d:
        b = q.shape[0]
        q = q.reshape(b, q.shape[1], q_heads, -1).transpose(1, 2)
        k = k.reshape(b, k.shape[1], kv_heads, -1).transpose(1, 2)
        v = v.reshape(b, v.shape[1], kv_heads, -1).transpose(1, 2)
    past = past_k.shape[2] if past_k is not None else 0
    if past_k is not None:
        k = torch.cat([past_k, k], dim=2)
    if past_v is not None:
        v = torch.cat([past_v, v], dim=2)
    present_k, present_v = k, v
    if q.shape[1] != k.shape[1]:
        k = k.repeat_interleave(q.shape[1] // k.shape[1], dim=1)
        v = v.repeat_interleave(q.shape[1] // v.shape[1], dim=1)
    dtype = q.dtype
    if dtype in (torch.float16, torch.bfloat16):
        q, k, v = q.float(), k.float(), v.float()
    root = math.sqrt(scale if scale is not None else 1.0 / math.sqrt(q.shape[-1]))
    scores = torch.matmul(q * root, (k * root).transpose(-1, -2))
    if softcap:
        scores = softcap * torch.tanh(scores / softcap)  # before the mask: masked stays -inf
    n_q, n_kv = scores.shape[-2], scores.shape[-1]
    bias = torch.zeros(n_q, n_kv, dtype=scores.dtype)
    if mask is not None:
        if mask.shape[-1] < n_kv:  # a short mask leaves the remaining keys masked
            mask = F.pad(mask, (0, n_kv - mask.shape[-1]), value=False if mask.dtype == torch.bool else float("-inf"))
        bias = torch.zeros(mask.shape, dtype=scores.dtype).masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool \
            else mask.to(scores.dtype)
    if nonpad_kv_seqlen is not None:  # keys past each batch entry's valid length are padding
        valid = nonpad_kv_seqlen.long()
        hide = torch.arange(n_kv)[None, None, :] >= valid[:, None, None]
        if is_causal:  # the queries are the last n_q valid positions
            hide = hide | (torch.arange(n_kv)[None, None, :] > torch.arange(n_q)[None, :, None] + (valid - n_q)[:, None, None])
        bias = bias + torch.zeros(hide.shape, dtype=scores.dtype).masked_fill(hide, float("-inf"))[:, None]
    elif is_causal:  # query i (after `past` cached keys) sees keys j <= i + past
        keep = torch.ones(n_q, n_kv, dtype=torch.bool).tril(past)
        bias = bias.masked_fill(~keep, float("-inf"))
    biased = scores + bias
    qk = {0: scores, 1: scores, 2: biased}
    probs = torch.softmax(biased, dim=-1)
    # A query whose keys are all masked attends to nothing: zeros (softmax alone gives NaN).
    probs = probs.masked_fill(torch.isneginf(biased).all(dim=-1, keepdim=True), 0.0)
    qk[3] = probs
    y = torch.matmul(probs, v)
    if three_d:
        y = y.transpose(1, 2).reshape(y.shape[0], y.shape[2], -1)
    return y.to(dtype), present_k, present_v, qk[qk_mode].to(dtype)
)PY"},
      {"onnx_cumprod", R"PY(def onnx_cumprod(x, axis, exclusive=0, reverse=0):
    axis = int(onnx_ints(axis)[0])
    y = x.flip(axis) if reverse else x
    if exclusive:
        first = torch.ones_like(y.narrow(axis, 0, 1))
        y = torch.cat([first, y.narrow(axis, 0, y.shape[axis] - 1)], dim=axis)
    p = torch.cumprod(y, dim=axis)
    return p.flip(axis) if reverse else p
)PY"},
      {"onnx_rms_norm", R"PY(def onnx_rms_norm(x, scale, axis=-1, eps=1e-5):
    axes = list(range(axis % x.dim(), x.dim()))
    xf = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
    y = xf / torch.sqrt((xf * xf).mean(dim=axes, keepdim=True) + eps)
    return y.to(x.dtype) * scale
)PY"},
      {"onnx_lp_pool", R"PY(def onnx_lp_pool(x, p, kernel, strides, pads, dilations=None, ceil_mode=0):
    """LpPool: (sum over the window of |x|^p)^(1/p); pads count as zeros."""
    area = math.prod(kernel)
    s = onnx_pool("avg", x.abs() ** p, kernel, strides, pads, dilations, ceil_mode, 1) * area
    return s ** (1.0 / p)
)PY"},
      {"onnx_split_to_sequence", R"PY(def onnx_split_to_sequence(x, split=None, axis=0, keepdims=1):
    """SplitToSequence: a Python list of tensors."""
    if split is None:
        parts = torch.split(x, 1, dim=axis)
        return [p.squeeze(axis) for p in parts] if not keepdims else list(parts)
    if split.dim() == 0:
        return list(torch.split(x, int(split), dim=axis))
    return list(torch.split(x, onnx_ints(split), dim=axis))
)PY"},
      {"onnx_sequence_insert", R"PY(def onnx_sequence_insert(seq, tensor, position=None):
    seq = list(seq)
    seq.insert(len(seq) if position is None else int(position), tensor)  # negative counts from the end
    return seq
)PY"},
      {"onnx_sequence_erase", R"PY(def onnx_sequence_erase(seq, position=None):
    seq = list(seq)
    del seq[-1 if position is None else int(position)]
    return seq
)PY"},
      {"onnx_recurrent", R"PY(def onnx_recurrent(kind, x, w, r, b=None, h0=None, c0=None, p=None, direction="forward",
                   layout=0, activations=None, linear_before_reset=0, clip=None, lengths=None):
    """ONNX RNN / GRU / LSTM (gate orders as ONNX writes them). Returns (Y, Y_h, Y_c).
    With lengths (sequence_lens), steps past a batch entry's length leave its state as it
    was and output zeros."""
    fns = {"Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "Relu": torch.relu}
    if layout:
        x = x.transpose(0, 1)
        h0 = h0.transpose(0, 1) if h0 is not None else None
        c0 = c0.transpose(0, 1) if c0 is not None else None
    seq, batch = x.shape[0], x.shape[1]
    dirs, hidden = w.shape[0], r.shape[-1]
    gates = {"RNN": 1, "GRU": 3, "LSTM": 4}[kind]
    per_dir = {"RNN": 1, "GRU": 2, "LSTM": 3}[kind]
    ys, hs, cs = [], [], []
    for d in range(dirs):
        act = [fns[a] for a in activations[d * per_dir:(d + 1) * per_dir]]
        wb, rb = (b[d].chunk(2) if b is not None else (torch.zeros(gates * hidden, dtype=x.dtype),) * 2)
        h = h0[d] if h0 is not None else torch.zeros(batch, hidden, dtype=x.dtype)
        c = c0[d] if c0 is not None else torch.zeros(batch, hidden, dtype=x.dtype)
        backward = direction == "reverse" or (direction == "bidirectional" and d == 1)
        out = [None] * seq
        for t in (reversed(range(seq)) if backward else range(seq)):
            h_before, c_before = h, c
            xw = x[t] @ w[d].t() + wb
            if kind == "RNN":
                g = xw + h @ r[d].t() + rb
                h = act[0](g.clamp(-clip, clip) if clip else g)
            elif kind == "GRU":
                xz, xr, xh = xw.chunk(3, -1)
                rz, rr, rh = r[d].chunk(3)
                bz, br, bh = rb.chunk(3)
                z = act[0](xz + h @ rz.t() + bz)
                reset = act[0](xr + h @ rr.t() + br)
                if linear_before_reset:
                    cand = act[1](xh + reset * (h @ rh.t() + bh))
                else:
                    cand = act[1](xh + (reset * h) @ rh.t() + bh)
                h = (1 - z) * cand + z * h
            else:
                g = xw + h @ r[d].t() + rb
                if clip:
                    g = g.clamp(-clip, clip)
                gi, go, gf, gc = g.chunk(4, -1)
                if p is not None:
                    pi, po, pf = p[d].chunk(3)
                    gi, gf = gi + pi * c, gf + pf * c
                c = act[0](gf) * c + act[0](gi) * act[1](gc)
                if p is not None:
                    go = go + po * c
                h = act[0](go) * act[2](c)
            if lengths is not None:
                valid = (t < lengths.long()).reshape(-1, 1)
                h, c = torch.where(valid, h, h_before), torch.where(valid, c, c_before)
                out[t] = torch.where(valid, h, torch.zeros_like(h))
                continue
            out[t] = h
        ys.append(torch.stack(out))
        hs.append(h)
        cs.append(c)
    y, y_h, y_c = torch.stack(ys, 1), torch.stack(hs), torch.stack(cs)
    if layout:
        return y.permute(2, 0, 1, 3), y_h.transpose(0, 1), y_c.transpose(0, 1)
    return y, y_h, y_c
)PY"},
      {"onnx_to_small_int", R"PY(def onnx_to_small_int(x, kind):
    """ONNX Cast to INT4/UINT4/INT2/UINT2, which torch lacks: emulated, held in int8/uint8.
    Floats round to nearest even; values outside the type wrap around, as ONNX's Cast does."""
    bits, signed = {"INT4": (4, True), "UINT4": (4, False), "INT2": (2, True), "UINT2": (2, False)}[kind]
    x = torch.round(x.double()).long() if x.is_floating_point() else x.long()
    low = -(1 << (bits - 1)) if signed else 0
    return (torch.remainder(x - low, 1 << bits) + low).to(torch.int8 if signed else torch.uint8)
)PY"},
      {"onnx_to_small_float", R"PY(def onnx_to_small_float(x, kind, saturate=True):
    """ONNX Cast to a float8/float4 type, which torch lacks: emulated, float32 holding the
    nearest value of the type (ties to even). Out of range (inf included): the largest finite
    value when saturating, else inf (FLOAT8E5M2) or NaN. FLOAT4E2M1 has no NaN: ONNX writes 0."""
    # kind: (mantissa bits, smallest normal exponent, largest finite value, has inf)
    mbits, emin, top, has_inf = {
        "FLOAT8E4M3FN": (3, -6, 448.0, False), "FLOAT8E4M3FNUZ": (3, -7, 240.0, False),
        "FLOAT8E5M2": (2, -14, 57344.0, True), "FLOAT8E5M2FNUZ": (2, -15, 57344.0, False),
        "FLOAT4E2M1": (1, 0, 6.0, False)}[kind]
    x = x.double()
    a = torch.where(torch.isfinite(x), x.abs(), torch.zeros_like(x))
    _, e = torch.frexp(a)  # a = m * 2**e with 0.5 <= m < 1
    quantum = torch.pow(2.0, torch.clamp(e.double() - 1, min=emin) - mbits)
    y = torch.round(a / quantum) * quantum
    overflow = (y > top) | torch.isinf(x)
    if saturate or kind == "FLOAT4E2M1":
        y = torch.where(overflow, torch.full_like(y, top), y)
    else:
        y = torch.where(overflow, torch.full_like(y, float("inf") if has_inf else float("nan")), y)
    y = torch.copysign(y, x)
    if kind == "FLOAT4E2M1":
        y = torch.where(torch.isnan(x), torch.zeros_like(y), y)
    else:
        y = torch.where(torch.isnan(x), x, y)
    return y.float()
)PY"},
      {"onnx_quant_param", R"PY(def onnx_quant_param(p, x, axis=1, block_size=0):
    """A quantization scale or zero point shaped to broadcast against x: one value, one per
    slice along `axis`, or (block_size > 0) one per block of that many slices."""
    if p.dim() == 0:
        return p
    axis = axis % x.dim()
    if block_size:
        return p.repeat_interleave(block_size, dim=axis).narrow(axis, 0, x.shape[axis])
    shape = [1] * x.dim()
    shape[axis] = -1
    return p.reshape(shape)
)PY"},
      {"onnx_quantize", R"PY(def onnx_quantize(x, scale, zero_point, kind, axis=1, block_size=0, saturate=True):
    """ONNX QuantizeLinear: round(x / scale) + zero_point (ties to even), saturated to `kind`."""
    y = x / onnx_quant_param(scale, x, axis, block_size)
    if kind.startswith("FLOAT"):  # float8/float4: the zero point is 0
        return onnx_to_small_float(y, kind, saturate)
    y = torch.round(y.double())
    if zero_point is not None:
        y = y + onnx_quant_param(zero_point, x, axis, block_size).double()
    low, high, dtype = {  # INT4/UINT4/INT2/UINT2 are emulated in int8/uint8, UINT16 held in int32
        "UINT8": (0, 255, torch.uint8), "INT8": (-128, 127, torch.int8), "UINT16": (0, 65535, torch.int32),
        "INT16": (-32768, 32767, torch.int16), "INT4": (-8, 7, torch.int8), "UINT4": (0, 15, torch.uint8),
        "INT2": (-2, 1, torch.int8), "UINT2": (0, 3, torch.uint8)}[kind]
    return y.clamp(low, high).to(dtype)
)PY"},
      {"onnx_dequantize", R"PY(def onnx_dequantize(x, scale, zero_point=None, axis=1, block_size=0):
    """ONNX DequantizeLinear: (x - zero_point) * scale, in the scale's type."""
    y = x.float()
    if zero_point is not None:
        y = y - onnx_quant_param(zero_point, x, axis, block_size).float()
    return (y * onnx_quant_param(scale, x, axis, block_size).float()).to(scale.dtype)
)PY"},
      {"onnx_qlinear_matmul", R"PY(def onnx_qlinear_matmul(a, a_scale, a_zero, b, b_scale, b_zero, y_scale, y_zero):
    """ONNX QLinearMatMul: the exact integer product of the zero-shifted inputs, rescaled by
    a_scale * b_scale / y_scale, rounded (ties to even) and saturated to y_zero's type."""
    def rows(p):  # per-row parameters of a
        return p.reshape(-1, 1) if p.dim() == 1 and p.numel() > 1 else p
    acc = torch.matmul(a.double() - rows(a_zero).double(), b.double() - b_zero.double())
    y = torch.round(acc * (rows(a_scale) * b_scale / y_scale).double()) + y_zero.double()
    info = torch.iinfo(y_zero.dtype)
    return y.clamp(info.min, info.max).to(y_zero.dtype)
)PY"},
      {"onnx_matmul_integer", R"PY(def onnx_matmul_integer(a, b, a_zero=None, b_zero=None):
    """ONNX MatMulInteger: the exact int32 product of the zero-shifted inputs (a's zero point
    may be one per row)."""
    a, b = a.double(), b.double()
    if a_zero is not None:
        a = a - (a_zero.double().reshape(-1, 1) if a_zero.numel() > 1 else a_zero.double())
    if b_zero is not None:
        b = b - b_zero.double()
    return torch.matmul(a, b).to(torch.int32)
)PY"},
      {"onnx_conv_integer", R"PY(def onnx_conv_integer(x, w, x_zero, w_zero, strides, pads, dilations, groups):
    """ONNX ConvInteger: the exact int32 convolution of the zero-shifted inputs (float64 holds
    every sum of 8-bit products exactly); the input padding is the zero point, i.e. 0 after the shift."""
    x = x.double() - (x_zero.double() if x_zero is not None else 0)
    if w_zero is not None:
        w_zero = w_zero.double()
        w = w.double() - (w_zero.reshape(-1, *[1] * (w.dim() - 1)) if w_zero.dim() == 1 else w_zero)
    return torch.round(onnx_conv(x, w.double(), None, strides, pads, dilations, groups)).to(torch.int32)
)PY"},
      {"onnx_qlinear_conv", R"PY(def onnx_qlinear_conv(x, x_scale, x_zero, w, w_scale, w_zero, y_scale, y_zero, bias, strides, pads, dilations, groups):
    """ONNX QLinearConv: ConvInteger plus the int32 bias, rescaled per output channel by
    x_scale * w_scale / y_scale, rounded (ties to even) and saturated to y_zero's type."""
    acc = onnx_conv_integer(x, w, x_zero, w_zero, strides, pads, dilations, groups).double()
    channel = [1, -1] + [1] * (acc.dim() - 2)
    if bias is not None:
        acc = acc + bias.double().reshape(channel)
    scale = (x_scale * w_scale / y_scale).double()
    y = torch.round(acc * (scale.reshape(channel) if scale.dim() == 1 else scale)) + y_zero.double()
    info = torch.iinfo(y_zero.dtype)
    return y.clamp(info.min, info.max).to(y_zero.dtype)
)PY"},
      {"onnx_center_crop_pad", R"PY(def onnx_center_crop_pad(x, shape, axes=None):
    """ONNX CenterCropPad: each axis cropped or zero-padded around its centre to `shape`."""
    shape = onnx_ints(shape)
    axes = range(x.dim()) if axes is None else [a % x.dim() for a in axes]
    for a, n in zip(axes, shape):
        size = x.shape[a]
        if n < size:
            x = x.narrow(a, (size - n) // 2, n)
        elif n > size:
            before = (n - size) // 2
            zeros = list(x.shape)
            zeros[a] = before
            head = x.new_zeros(zeros)
            zeros[a] = n - size - before
            x = torch.cat([head, x, x.new_zeros(zeros)], dim=a)
    return x
)PY"},
      {"onnx_col2im", R"PY(def onnx_col2im(x, image_shape, block_shape, dilations=None, pads=None, strides=None):
    """ONNX Col2Im (any number of spatial axes; F.fold has two): sums each block column back
    into the image it was taken from."""
    image, block = onnx_ints(image_shape), onnx_ints(block_shape)
    n = len(image)
    dilations, strides = dilations or [1] * n, strides or [1] * n
    pads = pads or [0] * (2 * n)
    padded = [image[i] + pads[i] + pads[n + i] for i in range(n)]
    counts = [(padded[i] - dilations[i] * (block[i] - 1) - 1) // strides[i] + 1 for i in range(n)]
    cols = x.reshape(x.shape[0], -1, *block, *counts)
    out = x.new_zeros(x.shape[0], cols.shape[1], *padded)
    for k in np.ndindex(*block):
        window = tuple(slice(k[i] * dilations[i], k[i] * dilations[i] + (counts[i] - 1) * strides[i] + 1, strides[i]) for i in range(n))
        out[(slice(None), slice(None)) + window] += cols[(slice(None), slice(None)) + k]
    return out[(slice(None), slice(None)) + tuple(slice(pads[i], pads[i] + image[i]) for i in range(n))]
)PY"},
      {"onnx_rotary_embedding", R"PY(def onnx_rotary_embedding(x, cos_cache, sin_cache, position_ids=None, interleaved=0, num_heads=0, rotary_dim=0):
    """ONNX RotaryEmbedding: rotates the first rotary_dim features of each head by the cached
    angles (pairs are halves, or neighbours when interleaved). x: (batch, heads, seq, head) or
    (batch, seq, heads * head)."""
    shape = x.shape
    x = x.transpose(1, 2) if x.dim() == 4 else x.reshape(shape[0], shape[1], num_heads, -1)
    rotary_dim = rotary_dim or x.shape[-1]
    cos = cos_cache[position_ids] if position_ids is not None else cos_cache
    sin = sin_cache[position_ids] if position_ids is not None else sin_cache
    cos, sin = cos[..., :rotary_dim // 2].unsqueeze(2), sin[..., :rotary_dim // 2].unsqueeze(2)
    rotate, keep = x[..., :rotary_dim], x[..., rotary_dim:]
    x1, x2 = (rotate[..., 0::2], rotate[..., 1::2]) if interleaved else rotate.chunk(2, dim=-1)
    real, imag = cos * x1 - sin * x2, sin * x1 + cos * x2
    rotated = torch.stack([real, imag], dim=-1).flatten(-2) if interleaved else torch.cat([real, imag], dim=-1)
    y = torch.cat([rotated, keep], dim=-1)
    return y.transpose(1, 2) if len(shape) == 4 else y.reshape(shape)
)PY"},
      {"onnx_reverse_sequence", R"PY(def onnx_reverse_sequence(x, lengths, batch_axis=1, time_axis=0):
    """ONNX ReverseSequence: the first lengths[b] steps of each batch entry reversed."""
    y = x.clone()
    for b, n in enumerate(onnx_ints(lengths)):
        index = [slice(None)] * x.dim()
        index[batch_axis], index[time_axis] = b, slice(0, n)
        y[tuple(index)] = x[tuple(index)].flip(time_axis - (batch_axis < time_axis))
    return y
)PY"},
      {"onnx_tensor_scatter", R"PY(def onnx_tensor_scatter(cache, update, write_indices=None, axis=-2, circular=False):
    """ONNX TensorScatter: writes `update` into a copy of the cache along `axis`, starting at
    each batch entry's write index (wrapping around when circular)."""
    out = cache.clone()
    axis = axis % cache.dim()
    steps, size = update.shape[axis], cache.shape[axis]
    for b in range(cache.shape[0]):
        start = int(write_indices[b]) if write_indices is not None else 0
        positions = torch.arange(start, start + steps)
        out[b].index_copy_(axis - 1, positions % size if circular else positions, update[b])
    return out
)PY"},
      {"onnx_unique", R"PY(def onnx_unique(x, axis=None, sorted_=1):
    """ONNX Unique: the distinct values (or slices along axis), sorted or in order of first
    occurrence, with each one's first index, the inverse indices and the counts."""
    y, inverse, counts = torch.unique(x if axis is not None else x.reshape(-1), sorted=True, return_inverse=True,
                                      return_counts=True, dim=axis if axis is not None else 0)
    n = inverse.numel()
    first = torch.full((counts.numel(),), n, dtype=torch.int64).scatter_reduce(0, inverse, torch.arange(n), "amin")
    if not sorted_:
        order = torch.argsort(first)
        rank = torch.empty_like(order)
        rank[order] = torch.arange(order.numel())
        y, first, counts, inverse = y.index_select(axis or 0, order), first[order], counts[order], rank[inverse]
    return y, first, inverse, counts
)PY"},
      {"onnx_dft", R"PY(def onnx_dft(x, length=None, axis=1, inverse=0, onesided=0):
    """ONNX DFT: x holds real (last axis 1) or complex (last axis 2) signals; the result is
    complex as (real, imaginary) pairs, zero-padded or cut to `length` first."""
    signal = torch.view_as_complex(x.contiguous()) if x.shape[-1] == 2 else x[..., 0]
    axis = axis % (x.dim() - 1) if axis < 0 else axis
    n = int(length) if length is not None else signal.shape[axis]
    if inverse:
        y = torch.fft.ifft(signal, n=n, dim=axis)
    elif onesided and not signal.is_complex():
        y = torch.fft.rfft(signal, n=n, dim=axis)
    else:
        y = torch.fft.fft(signal, n=n, dim=axis)
    if onesided and y.shape[axis] > n // 2 + 1:
        y = y.narrow(axis, 0, n // 2 + 1)
    return torch.view_as_real(y).to(x.dtype)
)PY"},
      {"onnx_stft", R"PY(def onnx_stft(signal, step, window=None, frame_length=None, onesided=1):
    """ONNX STFT: frames of frame_length every `step` samples, times the window, then a DFT
    of each frame (one-sided for real signals). signal: (batch, samples, 1 or 2)."""
    x = torch.view_as_complex(signal.contiguous()) if signal.shape[-1] == 2 else signal[..., 0]
    length = int(frame_length) if frame_length is not None else window.shape[0]
    frames = x.unfold(1, length, int(step))
    if window is not None:
        frames = frames * window
    y = torch.fft.rfft(frames, dim=-1) if onesided and not frames.is_complex() else torch.fft.fft(frames, dim=-1)
    return torch.view_as_real(y).to(signal.dtype)
)PY"},
      {"onnx_nms", R"PY(def onnx_nms(boxes, scores, max_per_class=None, iou_threshold=None, score_threshold=None, center_point_box=0):
    """ONNX NonMaxSuppression: per batch and class, boxes by descending score (above the
    score threshold), each kept unless it overlaps a kept one by IoU > iou_threshold;
    at most max_per_class per class. Rows (batch, class, box)."""
    limit = int(max_per_class.reshape(-1)[0]) if max_per_class is not None and max_per_class.numel() else 0
    iou_limit = float(iou_threshold.reshape(-1)[0]) if iou_threshold is not None and iou_threshold.numel() else 0.0
    b = boxes.double()
    if center_point_box:  # (x centre, y centre, width, height) -> corners
        b = torch.stack([b[..., 1] - b[..., 3] / 2, b[..., 0] - b[..., 2] / 2, b[..., 1] + b[..., 3] / 2, b[..., 0] + b[..., 2] / 2], -1)
    lo = torch.minimum(b[..., :2], b[..., 2:])
    hi = torch.maximum(b[..., :2], b[..., 2:])
    area = (hi - lo).prod(-1)
    rows = []
    for n in range(scores.shape[0]):
        for c in range(scores.shape[1]):
            s = scores[n, c].tolist()
            order = sorted((i for i in range(len(s)) if score_threshold is None or s[i] > float(score_threshold.reshape(-1)[0])),
                           key=lambda i: -s[i])
            kept = []
            for i in order:
                if len(kept) >= limit:
                    break
                inter = (torch.minimum(hi[n, i], hi[n, kept]) - torch.maximum(lo[n, i], lo[n, kept])).clamp(min=0).prod(-1)
                iou = inter / (area[n, i] + area[n, kept] - inter)
                if not bool((iou > iou_limit).any()):
                    kept.append(i)
            rows += [[n, c, i] for i in kept]
    return torch.tensor(rows, dtype=torch.int64).reshape(-1, 3)
)PY"},
      {"onnx_lp_normalize", R"PY(def onnx_lp_normalize(x, p, axis):
    """ONNX LpNormalization: x / its p-norm along axis; a zero vector stays zero (not NaN)."""
    norm = torch.linalg.vector_norm(x, ord=p, dim=axis, keepdim=True)
    return torch.where(norm == 0, torch.zeros_like(x), x / norm)
)PY"},
      {"onnx_dropout", R"PY(def onnx_dropout(x, ratio=None, training=None):
    """ONNX Dropout whose training mode is an input: the identity (mask all true) unless
    training with a ratio above 0, whose random drop this code does not reproduce."""
    if training is not None and bool(training) and (ratio is None or float(ratio) != 0.0):
        raise NotImplementedError("Dropout in training mode drops at random")
    return x, torch.ones_like(x, dtype=torch.bool)
)PY"},
      {"onnx_loop", R"PY(def onnx_loop(body, trip_count, cond, carried, n_scan):
    """ONNX Loop: body(i, cond, *carried) -> (cond, *carried, *scan_values) runs while
    i < trip_count and cond (each when given); scan values are stacked per iteration."""
    trip = None if trip_count is None else int(trip_count)
    keep = True if cond is None else bool(cond)
    scans = [[] for _ in range(n_scan)]
    i = 0
    while (trip is None or i < trip) and keep:
        out = body(torch.tensor(i, dtype=torch.int64), torch.tensor(keep), *carried)
        keep = bool(out[0])
        carried = list(out[1:1 + len(carried)])
        for k in range(n_scan):
            scans[k].append(out[1 + len(carried) + k])
        i += 1
    return (*carried, *[torch.stack(s) if s else torch.zeros(0) for s in scans])
)PY"},
      {"onnx_scan", R"PY(def onnx_scan(body, states, inputs, n_outputs, input_axes=None, input_directions=None,
              output_axes=None, output_directions=None):
    """ONNX Scan: body(*states, *slices) -> (*states, *outputs) once per slice of the scanned
    inputs along their axes (reversed where the direction is 1); outputs are stacked."""
    axes = [a % x.dim() for a, x in zip(input_axes or [0] * len(inputs), inputs)]
    backward = input_directions or [0] * len(inputs)
    steps = inputs[0].shape[axes[0]]
    outs = [[] for _ in range(n_outputs)]
    for t in range(steps):
        slices = [x.select(a, steps - 1 - t if d else t) for x, a, d in zip(inputs, axes, backward)]
        out = body(*states, *slices)
        states = list(out[:len(states)])
        for k in range(n_outputs):
            outs[k].append(out[len(states) + k])
    stacked = []
    for k, values in enumerate(outs):
        if output_directions and output_directions[k]:
            values = values[::-1]
        axis = output_axes[k] if output_axes else 0
        stacked.append(torch.stack(values, dim=axis % (values[0].dim() + 1)) if values else torch.zeros(0))
    return (*states, *stacked)
)PY"},
      {"onnx_scan_batched", R"PY(def onnx_scan_batched(body, lengths, states, inputs, n_outputs, directions=None):
    """ONNX Scan before opset 9: axis 0 is a batch, scanned one entry at a time along axis 1
    (the first lengths[b] steps when sequence_lens is given); results are stacked per entry."""
    per_entry = []
    for b in range(inputs[0].shape[0]):
        steps = int(lengths[b]) if lengths is not None else inputs[0].shape[1]
        per_entry.append(onnx_scan(body, [s[b] for s in states], [x[b, :steps] for x in inputs], n_outputs,
                                   input_directions=directions))
    return tuple(torch.stack([entry[k] for entry in per_entry]) for k in range(len(states) + n_outputs))
)PY"},
      {"onnx_sequence_map", R"PY(def onnx_sequence_map(body, n_outputs, sequence, *extra):
    """ONNX SequenceMap: body(item, *extra_items) for each item of the sequence (an extra
    input that is a sequence gives its item of the same position); outputs are sequences."""
    outs = [[] for _ in range(n_outputs)]
    for i in range(len(sequence)):
        out = body(sequence[i], *[e[i] if isinstance(e, list) else e for e in extra])
        for k in range(n_outputs):
            outs[k].append(out[k])
    return tuple(outs)
)PY"},
      {"onnx_roi_align", R"PY(def onnx_roi_align(x, rois, batch_indices, mode="avg", out_h=1, out_w=1, sampling_ratio=0,
                   spatial_scale=1.0, half_pixel=True):
    """ONNX RoiAlign: each region's bins sampled on a regular grid by bilinear interpolation,
    then averaged (avg) or, as ONNX defines max, the largest weighted corner value."""
    out = []
    for roi, b in zip(rois.double(), batch_indices.long().tolist()):
        offset = 0.5 if half_pixel else 0.0
        x0, y0, x1, y1 = (roi * spatial_scale - offset).tolist()
        width, height = x1 - x0, y1 - y0
        if not half_pixel:  # output_half_pixel (opset 10): regions at least one pixel wide
            width, height = max(width, 1.0), max(height, 1.0)
        grid_h = sampling_ratio or math.ceil(height / out_h)
        grid_w = sampling_ratio or math.ceil(width / out_w)

        def axis(start, size, bins, grid, limit):
            """Sample positions along one axis: low/high index, their weights, valid."""
            k = torch.arange(bins * grid, dtype=torch.float64)
            p = start + (k // grid) * size / bins + ((k % grid) + 0.5) * size / bins / grid
            valid = (p >= -1.0) & (p <= limit)
            p = p.clamp(min=0)
            low = p.long().clamp(max=limit - 1)
            high = (low + 1).clamp(max=limit - 1)
            p = torch.where(low >= limit - 1, low.double(), p)
            frac = p - low
            return low, high, 1 - frac, frac, valid

        yl, yh, wy0, wy1, vy = axis(y0, height, out_h, grid_h, x.shape[2])
        xl, xh, wx0, wx1, vx = axis(x0, width, out_w, grid_w, x.shape[3])
        img = x[b].double()
        corners = [wy[:, None] * wx[None, :] * img[:, yi][:, :, xi]
                   for yi, wy in ((yl, wy0), (yh, wy1)) for xi, wx in ((xl, wx0), (xh, wx1))]
        valid = (vy[:, None] & vx[None, :]).double()
        shape = (x.shape[1], out_h, grid_h, out_w, grid_w)
        if mode == "max":
            v = (torch.stack(corners).amax(dim=0) * valid).reshape(shape).amax(dim=(2, 4))
        else:
            v = (sum(corners) * valid).reshape(shape).sum(dim=(2, 4)) / max(grid_h * grid_w, 1)
        out.append(v)
    return torch.stack(out).to(x.dtype) if out else x.new_zeros(0, x.shape[1], out_h, out_w)
)PY"},
      {"onnx_to_float8e8m0", R"PY(def onnx_to_float8e8m0(x, round_mode="up", saturate=True):
    """ONNX Cast to FLOAT8E8M0 (unsigned powers of two 2**-127 .. 2**127), which torch lacks:
    emulated, float32 holding the power of two. The magnitude's float32 exponent is kept and
    rounded up when the mantissa is not 0 ("up"), from half of it on ("nearest"), or not
    ("down"); past 2**127: 2**127 when saturating, else NaN. NaN and inf become NaN."""
    bits = x.float().view(torch.int32)
    exponent = (bits >> 23) & 0xFF
    mantissa = bits & 0x7FFFFF
    if round_mode == "up":
        exponent = exponent + (mantissa > 0).int()
    elif round_mode == "nearest":
        exponent = exponent + (mantissa >= 0x400000).int()
    special = ((bits >> 23) & 0xFF) == 0xFF
    exponent = torch.where(exponent > 254, torch.full_like(exponent, 254 if saturate else 255), exponent)
    y = torch.pow(2.0, exponent.double() - 127)
    return torch.where(special | (exponent == 255), torch.full_like(y, float("nan")), y).float()
)PY"},
      {"onnx_deform_conv", R"PY(def onnx_deform_conv(x, w, offset, b=None, mask=None, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1),
                     group=1, offset_group=1):
    """ONNX DeformConv (2-D): each kernel tap reads the input bilinearly at its position plus
    its learned offset (zero outside the input), scaled by the mask, then the grouped
    weights are applied to those samples."""
    n, c, h, width = x.shape
    oc, cg, kh, kw = w.shape
    oh, ow = offset.shape[2], offset.shape[3]
    taps = kh * kw
    off = offset.double().reshape(n, offset_group, taps, 2, oh, ow)
    ty = (torch.arange(kh, dtype=torch.float64) * dilations[0]).repeat_interleave(kw)
    tx = (torch.arange(kw, dtype=torch.float64) * dilations[1]).repeat(kh)
    py = (torch.arange(oh, dtype=torch.float64) * strides[0] - pads[0])[:, None] + ty[:, None, None] + off[:, :, :, 0]
    px = (torch.arange(ow, dtype=torch.float64) * strides[1] - pads[1])[None, :] + tx[:, None, None] + off[:, :, :, 1]
    # grid_sample with align_corners=True maps -1..1 onto the first..last pixel centre.
    grid = torch.stack([px / max(width - 1, 1) * 2 - 1, py / max(h - 1, 1) * 2 - 1], dim=-1)
    sampled = F.grid_sample(x.double().reshape(n * offset_group, c // offset_group, h, width),
                            grid.reshape(n * offset_group, taps * oh, ow, 2), mode="bilinear", padding_mode="zeros",
                            align_corners=True).reshape(n, offset_group, c // offset_group, taps, oh, ow)
    if mask is not None:
        sampled = sampled * mask.double().reshape(n, offset_group, 1, taps, oh, ow)
    cols = sampled.reshape(n, group, (c // group) * taps, oh * ow)
    y = torch.einsum("ngkp,gok->ngop", cols, w.double().reshape(group, oc // group, cg * taps)).reshape(n, oc, oh, ow)
    if b is not None:
        y = y + b.double().reshape(1, -1, 1, 1)
    return y.to(x.dtype)
)PY"},
      {"onnx_max_pool_with_indices", R"PY(def onnx_max_pool_with_indices(x, kernel, strides, pads, dilations, ceil_mode=0, storage_order=0):
    """ONNX MaxPool with its Indices output: positions in the whole input flattened
    (row-major, or column-major over the spatial axes when storage_order is 1)."""
    n = len(kernel)
    fn = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[n - 1]
    y, index = fn(x, kernel, strides, pads[:n], dilations, bool(ceil_mode), return_indices=True)
    spatial = list(x.shape[2:])
    if storage_order:  # torch counts row-major within a plane: re-count column-major
        coords, rest = [], index
        for size in reversed(spatial):
            coords.append(rest % size)
            rest = rest // size
        index, step = torch.zeros_like(index), 1
        for c, size in zip(reversed(coords), spatial):
            index, step = index + c * step, step * size
    plane = int(math.prod(spatial))
    first = torch.arange(x.shape[0] * x.shape[1]).reshape(x.shape[0], x.shape[1], *[1] * n) * plane
    return y, index + first
)PY"},
      {"onnx_causal_conv_with_state", R"PY(def onnx_causal_conv_with_state(x, w, b=None, past=None, activation="none"):
    """ONNX CausalConvWithState: a causal 1-D convolution (groups from the weight's shape)
    that continues from the previous call's last kernel-1 steps (zeros when none);
    returns the output and the new state."""
    keep = w.shape[-1] - 1
    if past is None:
        past = x.new_zeros(x.shape[0], x.shape[1], keep)
    full = torch.cat([past, x], dim=-1)
    y = F.conv1d(full, w, b, groups=x.shape[1] // w.shape[1])
    if activation in ("silu", "swish"):
        y = F.silu(y)
    return y, full[..., full.shape[-1] - keep:]
)PY"},
      {"onnx_linear_attention", R"PY(def onnx_linear_attention(q, k, v, past=None, decay=None, beta=None, q_heads=1, kv_heads=1, scale=None):
    """ONNX LinearAttention with the gated delta rule, one step at a time: the state (per kv
    head, key x value features) decays by exp(decay), moves toward v along k by beta, and
    each query head reads q^T state of its kv head, times scale (1 / sqrt(key size))."""
    b, steps = q.shape[0], q.shape[1]
    qh = q.reshape(b, steps, q_heads, -1).float()
    kh = k.reshape(b, steps, kv_heads, -1).float()
    vh = v.reshape(b, steps, kv_heads, -1).float()
    state = past.float() if past is not None else torch.zeros(b, kv_heads, kh.shape[-1], vh.shape[-1])
    scale = 1.0 / math.sqrt(qh.shape[-1]) if scale is None else scale
    outs = []
    for t in range(steps):
        if decay is not None:
            state = state * torch.exp(decay[:, t].reshape(b, kv_heads, -1).float()).unsqueeze(-1)
        key = kh[:, t].unsqueeze(-1)
        retrieved = torch.matmul(state.transpose(-1, -2), key).squeeze(-1)
        delta = beta[:, t].reshape(b, kv_heads, 1).float() * (vh[:, t] - retrieved)
        state = state + torch.matmul(key, delta.unsqueeze(-2))
        shared = state.repeat_interleave(q_heads // kv_heads, dim=1)  # query heads sharing a kv head
        outs.append(scale * torch.matmul(qh[:, t].unsqueeze(-2), shared).squeeze(-2))
    return torch.stack(outs, dim=1).reshape(b, steps, -1).to(q.dtype), state.to(q.dtype)
)PY"},
      {"onnx_batch_norm_training", R"PY(def onnx_batch_norm_training(x, scale, bias, mean, var, epsilon, momentum):
    """ONNX BatchNormalization with training_mode=1: x normalised by its own per-channel mean
    and (population) variance; also the running mean/variance moved toward them by 1 - momentum."""
    axes = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    batch_mean = x.mean(dim=axes)
    batch_var = x.var(dim=axes, unbiased=False)
    y = (x - batch_mean.reshape(shape)) / torch.sqrt(batch_var.reshape(shape) + epsilon) * scale.reshape(shape) + bias.reshape(shape)
    return y, mean * momentum + batch_mean * (1 - momentum), var * momentum + batch_var * (1 - momentum)
)PY"},
      {"onnx_tfidf", R"PY(def onnx_tfidf(x, min_n, max_n, max_skip, pool, counts, indexes, weights=None, mode="TF"):
    """ONNX TfIdfVectorizer over integer tokens: every pooled n-gram (items skip + 1 apart,
    skip 0..max_skip; unigrams once) found in a row adds 1 to its output slot; then TF
    (the counts), IDF (weight where found) or TFIDF (count * weight)."""
    slots, gram_id = {}, 0
    for n in range(1, len(counts) + 1):
        end = counts[n] if n < len(counts) else len(pool)
        for i in range(counts[n - 1], end, n):
            slots[tuple(pool[i:i + n])] = indexes[gram_id]
            gram_id += 1
    rows = x.reshape(-1, x.shape[-1]).tolist() if x.dim() == 2 else [x.reshape(-1).tolist()]
    out = torch.zeros(len(rows), max(indexes) + 1)
    for r, row in enumerate(rows):
        for n in range(min_n, max_n + 1):
            for step in (range(1, max_skip + 2) if n > 1 else [1]):
                for s in range(len(row) - (n - 1) * step):
                    slot = slots.get(tuple(row[s:s + (n - 1) * step + 1:step]))
                    if slot is not None:
                        out[r, slot] += 1
    w = torch.tensor(weights, dtype=torch.float32) if weights is not None else torch.ones(out.shape[1])
    if mode == "IDF":
        out = (out > 0).float() * w
    elif mode == "TFIDF":
        out = out * w
    return out if x.dim() == 2 else out[0]
)PY"},
      {"onnx_image_decoder", R"PY(def onnx_image_decoder(data, pixel_format="RGB"):
    """ONNX ImageDecoder: the encoded image file in a uint8 tensor, decoded with Pillow
    (imported here, so only models with this op need it) to height x width x channels."""
    import io
    from PIL import Image
    image = Image.open(io.BytesIO(data.numpy().tobytes()))
    if pixel_format == "Grayscale":
        return torch.from_numpy(np.array(image.convert("L"))).unsqueeze(-1)
    rgb = torch.from_numpy(np.array(image.convert("RGB")))
    return rgb.flip(-1) if pixel_format == "BGR" else rgb
)PY"},
      {"onnx_div", R"PY(def onnx_div(a, b):
    """ONNX Div: integer division truncates."""
    if not a.is_floating_point() and not b.is_floating_point():
        return torch.div(a, b, rounding_mode="trunc")
    return a / b
)PY"},
  };
}

// Helpers other helpers call (written before them).
const std::map<std::string, std::vector<std::string>, std::less<>>& helperDeps() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> deps = {
      {"onnx_reshape", {"onnx_ints"}},       {"onnx_slice", {"onnx_ints"}},
      {"onnx_unsqueeze", {"onnx_ints"}},     {"onnx_squeeze", {"onnx_ints"}},
      {"onnx_reduce", {"onnx_ints"}},        {"onnx_pool", {"onnx_pad_spatial"}},
      {"onnx_conv", {"onnx_pad_spatial"}},   {"onnx_pad", {"onnx_ints", "onnx_pad_spatial", "onnx_pad_spatial_mode"}},
      {"onnx_resize", {"onnx_ints"}},        {"onnx_split", {"onnx_ints"}},
      {"onnx_cumsum", {"onnx_ints"}},       {"onnx_split_to_sequence", {"onnx_ints"}},       {"onnx_cumprod", {"onnx_ints"}},
      {"onnx_lp_pool", {"onnx_pool", "onnx_pad_spatial"}},       {"onnx_topk", {"onnx_ints"}},
      {"onnx_softmax_ce", {"onnx_nll_loss"}},
      {"onnx_quantize", {"onnx_quant_param", "onnx_to_small_float"}},
      {"onnx_dequantize", {"onnx_quant_param"}},
      {"onnx_conv_integer", {"onnx_conv"}},  {"onnx_scan_batched", {"onnx_scan"}},  {"onnx_center_crop_pad", {"onnx_ints"}},
      {"onnx_col2im", {"onnx_ints"}},       {"onnx_reverse_sequence", {"onnx_ints"}},  {"onnx_qlinear_conv", {"onnx_conv_integer"}}, {"onnx_one_hot", {"onnx_ints"}},
  };
  return deps;
}

}  // namespace

void HelperSet::use(std::string_view name) {
  if (used_.count(std::string(name))) return;
  auto d = helperDeps().find(name);
  if (d != helperDeps().end())
    for (const std::string& dep : d->second) use(dep);
  used_.insert(std::string(name));
}

std::string HelperSet::code() const {
  std::string out;
  for (const auto& [name, text] : helperTable()) {
    if (!used_.count(name)) continue;
    out += "\n\n";
    out += text;
  }
  return out;
}

std::vector<std::string> HelperSet::texts() const {
  std::vector<std::string> out;
  for (const auto& [name, text] : helperTable())
    if (used_.count(name)) out.push_back(text);
  return out;
}

std::vector<std::string> HelperSet::allNames() {
  std::vector<std::string> names;
  for (const auto& [name, text] : helperTable()) names.push_back(name);
  return names;
}

}  // namespace nf::importer
