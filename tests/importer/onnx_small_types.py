"""Reads ONNX tensors of the element types Debian's onnx 1.12 cannot decode.

float8 (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E8M0), float4 (E2M1), int4/uint4 and
int2/uint2, written from the ONNX spec (onnx/onnx.proto and docs/Float8.md, docs/Float4.md):
one float8 per byte; 4-bit values two per byte and 2-bit values four per byte, the first
element in the lowest bits; each either in raw_data or one byte per int32_data entry.
Floats come back as float32 (every value of these formats is exact there), integers in
int8/uint8: the same way the generated PyTorch code holds them.
"""
import numpy as np

FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ = 17, 18, 19, 20
UINT4, INT4, FLOAT4E2M1, FLOAT8E8M0, UINT2, INT2 = 21, 22, 23, 24, 25, 26
SMALL_TYPES = {FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, UINT4, INT4, FLOAT4E2M1, FLOAT8E8M0, UINT2, INT2}
BITS = {UINT4: 4, INT4: 4, FLOAT4E2M1: 4, UINT2: 2, INT2: 2}


def _small_float(byte, ebits, mbits, fnuz, inf_nan_ieee):
    """One sign/exponent/mantissa pattern as a Python float.

    fnuz: bias one higher, no negative zero, 0x80 is the only NaN. inf_nan_ieee (E5M2): the
    all-ones exponent is inf (mantissa 0) or NaN. Otherwise (E4M3FN, E2M1) the all-ones
    exponent holds normal numbers, except that E4M3FN's S.1111.111 is NaN."""
    width = 1 + ebits + mbits
    sign = (byte >> (width - 1)) & 1
    e = (byte >> mbits) & ((1 << ebits) - 1)
    m = byte & ((1 << mbits) - 1)
    bias = (1 << (ebits - 1)) - 1 + (1 if fnuz else 0)
    if fnuz and byte == 0x80:
        return float("nan")
    if inf_nan_ieee and e == (1 << ebits) - 1:
        return (-1.0 if sign else 1.0) * float("inf") if m == 0 else float("nan")
    if ebits == 4 and mbits == 3 and not fnuz and (byte & 0x7F) == 0x7F:
        return float("nan")
    value = (m / (1 << mbits)) * 2.0 ** (1 - bias) if e == 0 else (1 + m / (1 << mbits)) * 2.0 ** (e - bias)
    return -value if sign else value


def _table(data_type):
    if data_type == FLOAT8E4M3FN:
        return [_small_float(b, 4, 3, False, False) for b in range(256)]
    if data_type == FLOAT8E4M3FNUZ:
        return [_small_float(b, 4, 3, True, False) for b in range(256)]
    if data_type == FLOAT8E5M2:
        return [_small_float(b, 5, 2, False, True) for b in range(256)]
    if data_type == FLOAT8E5M2FNUZ:
        return [_small_float(b, 5, 2, True, False) for b in range(256)]
    if data_type == FLOAT4E2M1:
        return [_small_float(b, 2, 1, False, False) for b in range(16)]
    if data_type == FLOAT8E8M0:  # unsigned powers of two, 0xFF is NaN
        return [float("nan") if b == 0xFF else 2.0 ** (b - 127) for b in range(256)]
    return None


def to_array(tensor):
    """A numpy array from a TensorProto of one of SMALL_TYPES."""
    dt = tensor.data_type
    shape = tuple(tensor.dims)
    count = int(np.prod(shape)) if shape else 1
    if tensor.raw_data:
        raw = np.frombuffer(tensor.raw_data, dtype=np.uint8)
    else:
        raw = np.array([v & 0xFF for v in tensor.int32_data], dtype=np.uint8)
    bits = BITS.get(dt, 8)
    packed = bool(tensor.raw_data) or len(raw) < count
    if bits < 8 and packed:  # the first element in the lowest bits
        per = 8 // bits
        codes = np.stack([(raw >> (bits * k)) & ((1 << bits) - 1) for k in range(per)], axis=1).reshape(-1)[:count]
    else:
        codes = raw[:count] & ((1 << bits) - 1)
    codes = codes.astype(np.int64)
    table = _table(dt)
    if table is not None:
        return np.array([table[c] for c in codes], dtype=np.float32).reshape(shape)
    if dt in (INT4, INT2):
        return np.where(codes >= (1 << (bits - 1)), codes - (1 << bits), codes).astype(np.int8).reshape(shape)
    return codes.astype(np.uint8).reshape(shape)
