#!/usr/bin/python3
"""Is an int8 encoder worth it? Quantizes an exported encoder (model.onnx, BatchNorm already folded into its
convolutions) to int8 in the QDQ format ONNX Runtime fuses into QLinearConv/QLinearAdd, and times it against the fp32
graph in ONNX Runtime on the same images, with how far its embeddings move.

Static quantization: per-channel symmetric int8 weights; uint8 activations with min-max ranges calibrated on 1,024
training images; a Q/DQ pair on every activation except a convolution's output that only feeds a ReLU (ONNX Runtime
fuses the two). A measurement, not a product path: Debian's python3-onnx and python3-onnxruntime
(`apt-get install -t trixie python3-onnx python3-onnxruntime`) register the same operator schemas and cannot be
imported into one process, so each step runs in a process of its own.

usage: /usr/bin/python3 scripts/onnx_int8_probe.py MODEL.onnx TRAIN-IMAGES-IDX.gz TEST-IMAGES-IDX.gz [WORKDIR]
"""
import gzip
import json
import os
import subprocess
import sys

BATCH = 128


def images(path, count):
    import numpy as np
    with gzip.open(path) as f:
        data = f.read()
    total, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    pixels = np.frombuffer(data, np.uint8, offset=16).reshape(total, 1, rows, cols)[:count]
    return pixels.astype(np.float32) / 255.0


def expose(model, work):
    """onnx only: the model with every activation the quantizer needs as an extra output."""
    import onnx
    m = onnx.load(model)
    names = [o for n in m.graph.node if n.op_type in ("Conv", "Relu", "Add", "Div") for o in n.output]
    existing = {o.name for o in m.graph.output}
    for name in names:
        if name not in existing:
            m.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    onnx.save(m, os.path.join(work, "calibration.onnx"))
    json.dump(names, open(os.path.join(work, "activations.json"), "w"))


def calibrate(train, work):
    """onnxruntime only: min and max of every exposed activation over 1,024 training images."""
    import onnxruntime as ort
    names = set(json.load(open(os.path.join(work, "activations.json"))))
    session = ort.InferenceSession(os.path.join(work, "calibration.onnx"), providers=["CPUExecutionProvider"])
    outputs = [o.name for o in session.get_outputs()]
    x = images(train, 1024)
    ranges = {}
    for i in range(0, len(x), BATCH):
        for name, value in zip(outputs, session.run(outputs, {session.get_inputs()[0].name: x[i:i + BATCH]})):
            if name in names:
                lo, hi = ranges.get(name, (0.0, 0.0))
                ranges[name] = (min(lo, float(value.min())), max(hi, float(value.max())))
    json.dump(ranges, open(os.path.join(work, "ranges.json"), "w"))


def quantize(model, work):
    """onnx only: the QDQ int8 graph."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper
    m = onnx.load(model)
    graph = m.graph
    ranges = json.load(open(os.path.join(work, "ranges.json")))
    weights = {i.name: i for i in graph.initializer}
    outputs = {o.name for o in graph.output}
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n.op_type)
    nodes, initializers, renamed = [], [], {}
    for n in graph.node:
        inputs = [renamed.get(i, i) for i in n.input]
        if n.op_type == "Conv":
            w = numpy_helper.to_array(weights[n.input[1]])
            scale = np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127.0
            scale[scale == 0] = 1e-8
            q = np.clip(np.round(w / scale[:, None, None, None]), -127, 127).astype(np.int8)
            name = n.input[1]
            initializers += [numpy_helper.from_array(q, name + "_q"),
                             numpy_helper.from_array(scale.astype(np.float32), name + "_scale"),
                             numpy_helper.from_array(np.zeros(w.shape[0], np.int8), name + "_zero")]
            nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"],
                                          [name + "_dq"], axis=0))
            inputs[1] = name + "_dq"
        node = helper.make_node(n.op_type, inputs, list(n.output), name=n.name)
        node.attribute.extend(n.attribute)
        nodes.append(node)
        for o in n.output:
            if o not in ranges or o in outputs or (n.op_type == "Conv" and consumers.get(o) == ["Relu"]):
                continue
            lo, hi = ranges[o]
            scale = (hi - lo) / 255.0 or 1e-8
            zero = int(min(255, max(0, round(-lo / scale))))
            initializers += [numpy_helper.from_array(np.array(scale, np.float32), o + "_scale"),
                             numpy_helper.from_array(np.array(zero, np.uint8), o + "_zero")]
            nodes += [helper.make_node("QuantizeLinear", [o, o + "_scale", o + "_zero"], [o + "_q"]),
                      helper.make_node("DequantizeLinear", [o + "_q", o + "_scale", o + "_zero"], [o + "_dq"])]
            renamed[o] = o + "_dq"
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(initializers)
    used = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.save(m, os.path.join(work, "model-int8.onnx"))


def measure(model, test, work):
    """onnxruntime only: images/s of both graphs (best of 3 rounds of 4,096 test images) and the embeddings' drift."""
    import time
    import numpy as np
    import onnxruntime as ort
    x = images(test, 4096)
    embeddings = {}
    for label, path in (("fp32", model), ("int8", os.path.join(work, "model-int8.onnx"))):
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        feed = session.get_inputs()[0].name
        embeddings[label] = np.concatenate(
            [session.run(None, {feed: x[i:i + BATCH]})[0] for i in range(0, len(x), BATCH)])
        best = 0.0
        for _ in range(3):
            start = time.perf_counter()
            for i in range(0, len(x), BATCH):
                session.run(None, {feed: x[i:i + BATCH]})
            best = max(best, len(x) / (time.perf_counter() - start))
        print(f"{label}: {best:,.1f} images/s (ONNX Runtime {ort.__version__}, batch {BATCH})", flush=True)
    a, b = embeddings["fp32"], embeddings["int8"]
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    print(f"int8 against fp32: max |difference| {np.abs(a - b).max():.4f} (mean |value| {np.abs(a).mean():.4f}), "
          f"cosine mean {cosine.mean():.5f}, min {cosine.min():.5f}", flush=True)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--step":
        step, args = sys.argv[2], sys.argv[3:]
        {"expose": expose, "calibrate": calibrate, "quantize": quantize, "measure": measure}[step](*args)
        return
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    model, train, test = sys.argv[1:4]
    work = sys.argv[4] if len(sys.argv) > 4 else "/tmp/aavae-int8"
    os.makedirs(work, exist_ok=True)
    for step, args in (("expose", [model, work]), ("calibrate", [train, work]), ("quantize", [model, work]),
                       ("measure", [model, test, work])):
        run = subprocess.run([sys.executable, __file__, "--step", step, *args], capture_output=True, text=True)
        sys.stdout.write(run.stdout)
        if run.returncode != 0:
            # The schema registration noise of the two Debian packages goes to stderr; show only the failure's end.
            sys.exit(f"step {step} failed:\n" + "\n".join(run.stderr.strip().splitlines()[-15:]))


if __name__ == "__main__":
    main()
