// importer/torch_helpers.cpp - the Python helper functions generated code may call.
//
// An ONNX op whose torch equivalent needs more than one expression (ONNX's Reshape
// zeros, Slice clamping, pooling with asymmetric pads, Resize coordinate modes)
// calls one of these; only the helpers a model uses are written into its file.
#include "importer/torch_helpers.h"

#include <map>

namespace nf::importer {

namespace {

const std::map<std::string, std::string, std::less<>>& helperTable() {
  static const std::map<std::string, std::string, std::less<>> table = {
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
    fns = {"max": (F.max_pool1d, F.max_pool2d, F.max_pool3d), "avg": (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)}
    fn = fns[kind][n - 1]
    if kind == "max":
        x = onnx_pad_spatial(x, pads, float("-inf")) if any(pads) else x
        return fn(x, kernel, strides, 0, dilations or 1, ceil_mode=bool(ceil_mode))
    # Average = window sum / count of the cells that count (pads count with count_include_pad).
    ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype)
    if any(pads):
        x = onnx_pad_spatial(x, pads, 0.0)
        ones = onnx_pad_spatial(ones, pads, 1.0 if count_include_pad else 0.0)
    total = fn(x, kernel, strides, 0, ceil_mode=bool(ceil_mode), count_include_pad=True)
    count = fn(ones, kernel, strides, 0, ceil_mode=bool(ceil_mode), count_include_pad=True)
    return total / count
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
    y = onnx_pad_spatial_mode(y, inner, torch_mode)
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
                nearest_mode="round_prefer_floor"):
    """ONNX Resize / Upsample on the spatial axes (batch and channel scales must be 1)."""
    rank = x.dim()
    if sizes is not None and len(onnx_ints(sizes)):
        sizes = onnx_ints(sizes)
        scales = [sizes[i] / x.shape[i] for i in range(rank)]
    else:
        scales = [float(s) for s in (scales.reshape(-1).tolist() if torch.is_tensor(scales) else scales)]
        sizes = [int(math.floor(x.shape[i] * scales[i])) for i in range(rank)]
    if mode == "nearest":
        for axis in range(rank):
            n_in, n_out, scale = x.shape[axis], sizes[axis], scales[axis]
            if n_in == n_out and scale == 1.0:
                continue
            i = torch.arange(n_out, dtype=torch.float64)
            if transform == "asymmetric":
                s = i / scale
            elif transform == "align_corners":
                s = i * (n_in - 1) / (n_out - 1) if n_out > 1 else i * 0
            elif transform == "pytorch_half_pixel":
                s = (i + 0.5) / scale - 0.5 if n_out > 1 else i * 0
            elif transform == "tf_half_pixel_for_nn":
                s = (i + 0.5) / scale
            else:
                s = (i + 0.5) / scale - 0.5
            if nearest_mode == "floor":
                j = torch.floor(s)
            elif nearest_mode == "ceil":
                j = torch.ceil(s)
            elif nearest_mode == "round_prefer_ceil":
                j = torch.floor(s + 0.5)
            else:
                j = torch.ceil(s - 0.5)
            x = x.index_select(axis, j.clamp(0, n_in - 1).long())
        return x
    torch_mode = {("linear", 3): "linear", ("linear", 4): "bilinear", ("linear", 5): "trilinear",
                  ("cubic", 4): "bicubic"}.get((mode, rank))
    if torch_mode is None:
        raise NotImplementedError(f"Resize mode {mode} on a rank-{rank} tensor")
    align = transform == "align_corners"
    if align:
        return F.interpolate(x, size=sizes[2:], mode=torch_mode, align_corners=True)
    return F.interpolate(x, scale_factor=scales[2:], mode=torch_mode, align_corners=False,
                         recompute_scale_factor=False)
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
      {"onnx_div", R"PY(def onnx_div(a, b):
    """ONNX Div: integer division truncates."""
    if not a.is_floating_point() and not b.is_floating_point():
        return torch.div(a, b, rounding_mode="trunc")
    return a / b
)PY"},
  };
  return table;
}

// Helpers other helpers call (written before them).
const std::map<std::string, std::vector<std::string>, std::less<>>& helperDeps() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> deps = {
      {"onnx_reshape", {"onnx_ints"}},       {"onnx_slice", {"onnx_ints"}},
      {"onnx_unsqueeze", {"onnx_ints"}},     {"onnx_squeeze", {"onnx_ints"}},
      {"onnx_reduce", {"onnx_ints"}},        {"onnx_pool", {"onnx_pad_spatial"}},
      {"onnx_conv", {"onnx_pad_spatial"}},   {"onnx_pad", {"onnx_ints", "onnx_pad_spatial", "onnx_pad_spatial_mode"}},
      {"onnx_resize", {"onnx_ints"}},        {"onnx_split", {"onnx_ints"}},
      {"onnx_cumsum", {"onnx_ints"}},
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

std::vector<std::string> HelperSet::allNames() {
  std::vector<std::string> names;
  for (const auto& [name, text] : helperTable()) names.push_back(name);
  return names;
}

}  // namespace nf::importer
