#!/usr/bin/env python3
"""`netforge run` as a user sees it: outputs, --save/--keep files, --json timing,
.npy and generated inputs, and one-line errors with exit code 1.

usage: cli_run_test.py NETFORGE_BINARY CORPUS_DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import Checks  # noqa: E402

exe, corpus = sys.argv[1], sys.argv[2]
checks = Checks("cli run")
check = checks.check


def run(*args):
    return subprocess.run([exe, "run", *args], capture_output=True, text=True, timeout=120)


def one_line_error(r):
    return r.returncode == 1 and r.stdout == "" and r.stderr.count("\n") == 1 and r.stderr.startswith("netforge: ")


def write_npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % "".join(f"{d}," for d in shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack(f"<{len(values)}f", *values))


node = os.path.join(corpus, "node")
gemm = os.path.join(node, "test_gemm_default_matrix_bias")
with tempfile.TemporaryDirectory() as tmp:
    # A backend test: its inputs, our saved output equals the expected file's values.
    save = os.path.join(tmp, "out")
    r = run(gemm + ".onnx", "--inputs", os.path.join(gemm, "test_data_set_0"), "--save", save, "--json")
    check("backend test runs", r.returncode == 0, r.stderr)
    out = json.loads(r.stdout) if r.returncode == 0 else {"outputs": [{}]}
    check("output described", out["outputs"][0].get("shape") == [3, 4] and out["outputs"][0].get("elem_type") == "FLOAT", out)
    check("output_0.pb written", os.path.exists(os.path.join(save, "output_0.pb")), os.listdir(tmp))
    # Running on the saved output as if it were an expected file: same statistics.
    r2 = run(gemm + ".onnx", "--inputs", os.path.join(gemm, "test_data_set_0"), "--json")
    check("deterministic", r2.returncode == 0 and json.loads(r2.stdout)["outputs"] == out["outputs"], r2.stderr)
    try:
        import numpy as np
        from onnx import numpy_helper, TensorProto

        def load(p):
            t = TensorProto()
            t.ParseFromString(open(p, "rb").read())
            return numpy_helper.to_array(t)

        got = load(os.path.join(save, "output_0.pb"))
        want = load(os.path.join(gemm, "test_data_set_0", "output_0.pb"))
        check("saved output matches the expected output", got.shape == want.shape and np.allclose(got, want, rtol=1e-3, atol=1e-5))
    except ImportError:
        pass

    # --repeat: one warm-up, N timed runs, median reported.
    r = run(gemm + ".onnx", "--inputs", os.path.join(gemm, "test_data_set_0"), "--repeat", "3", "--json", "--time")
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    t = j.get("timing", {})
    check("repeat timing", len(t.get("runs_ms", [])) == 3 and t.get("median_ms") == sorted(t["runs_ms"])[1], t)
    check("time per op type", "Gemm" in j.get("op_types", {}), j.keys())

    # The built-in sample model: generated and .npy inputs; keep + save intermediates.
    sample = os.path.join(tmp, "sample.onnx")
    subprocess.run([exe, "sample", "-o", sample], check=True)
    r = run(sample, "--input", "image=random", "--json")
    j = json.loads(r.stdout) if r.returncode == 0 else {"outputs": [{}]}
    check("random input", j["outputs"][0].get("shape") == [1, 10], r.stderr)
    r = run(sample, "--input", "zeros", "--json")
    j = json.loads(r.stdout) if r.returncode == 0 else {"outputs": [{}]}
    check("bare zeros is for every input", j["outputs"][0].get("shape") == [1, 10], r.stderr)
    npy = os.path.join(tmp, "image.npy")
    write_npy(npy, [2, 3, 32, 32], [((i * 7) % 13) / 13.0 for i in range(2 * 3 * 32 * 32)])
    keep_dir = os.path.join(tmp, "keep")
    r = run(sample, "--input", f"image={npy}", "--keep", "ALL", "--save", keep_dir, "--json")
    j = json.loads(r.stdout) if r.returncode == 0 else {"outputs": [{}]}
    check(".npy input, batch 2", j["outputs"][0].get("shape") == [2, 10], r.stderr)
    kept = [f for f in os.listdir(keep_dir)] if os.path.isdir(keep_dir) else []
    check("kept intermediates saved", len([f for f in kept if f.startswith("kept_")]) >= 5 and "output_0.pb" in kept, kept)

    # Errors: one line, exit 1.
    r = run(sample)
    check("missing input explained", one_line_error(r) and "image" in r.stderr, r.stderr)
    r = run(sample, "--input", "nope=zeros")
    check("unknown input explained", one_line_error(r) and "no input 'nope'" in r.stderr, r.stderr)
    bad = os.path.join(tmp, "bad.npy")
    open(bad, "wb").write(b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'")
    r = run(sample, "--input", f"image={bad}")
    check("truncated .npy explained", one_line_error(r), r.stderr)
    r = run(sample, "--input", "image=random", "--keep", "no_such_value")
    check("unknown --keep name explained", one_line_error(r) and "no_such_value" in r.stderr, r.stderr)
    r = run(sample, "--input", "image=random", "--threads", "4")
    check("threads limited to 1", one_line_error(r), r.stderr)
    dec = os.path.join(node, "test_image_decoder_decode_bmp_rgb")
    if os.path.exists(dec + ".onnx"):
        r = run(dec + ".onnx", "--inputs", os.path.join(dec, "test_data_set_0"))
        check("op without kernel named", one_line_error(r) and "no kernel for: ImageDecoder (domain ai.onnx" in r.stderr, r.stderr)

checks.finish()
