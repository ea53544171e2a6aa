#!/usr/bin/env python3
"""Writes tests/data/pytorch_reference.csv: what PyTorch itself returns, in float64, for every
activation it has built in (value, and the derivative from autograd) and for binary
cross-entropy, so that `cargo test` can check reluscope against PyTorch without PyTorch.

Where activation_reference.csv (gen_reference.py) holds the mathematical truth at 80 digits,
this file holds PyTorch's conventions and roundings: the derivative it uses at each kink, its
float32 constants, its overflows. tests/pytorch_reference.rs requires agreement everywhere
except at a short, named list of points where reluscope is deliberately more exact.

Run: python3 tests/data/gen_pytorch_reference.py > tests/data/pytorch_reference.csv
"""
import sys

import torch
import torch.nn.functional as F

MAX = sys.float_info.max


def prelu(a):
    return lambda x: F.prelu(x, torch.tensor([a], dtype=torch.float64))


SPECS = {
    "relu": (F.relu, [0]),
    "leaky-relu": (F.leaky_relu, [0]),
    "leaky-relu:slope=0.2": (lambda x: F.leaky_relu(x, 0.2), [0]),
    "prelu": (prelu(0.25), [0]),
    "prelu:a=-0.3": (prelu(-0.3), [0]),
    "prelu:a=5": (prelu(5.0), [0]),
    "elu": (F.elu, [0]),
    "elu:alpha=0.5": (lambda x: F.elu(x, 0.5), [0]),
    "selu": (F.selu, [0]),
    "celu": (F.celu, [0]),
    "celu:alpha=2": (lambda x: F.celu(x, 2.0), [0]),
    "gelu": (F.gelu, []),
    "gelu:approx=tanh": (lambda x: F.gelu(x, approximate="tanh"), []),
    "silu": (F.silu, []),
    "mish": (F.mish, []),
    "softplus": (F.softplus, [20]),
    "softplus:beta=2": (lambda x: F.softplus(x, beta=2.0), [10]),
    "softplus:beta=0.5,threshold=5": (lambda x: F.softplus(x, beta=0.5, threshold=5.0), [10]),
    "relu6": (F.relu6, [0, 6]),
    "hard-tanh": (F.hardtanh, [-1, 1]),
    "hard-tanh:min=-2,max=3": (lambda x: F.hardtanh(x, -2.0, 3.0), [-2, 3]),
    "hard-sigmoid": (F.hardsigmoid, [-3, 3]),
    "hard-swish": (F.hardswish, [-3, 3]),
    "sigmoid": (torch.sigmoid, []),
    "tanh": (torch.tanh, []),
    "softsign": (F.softsign, []),
}


def value_and_grad(f, xs):
    x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y.detach().tolist(), x.grad.tolist()


print(f"# torch {torch.__version__}")
print("spec,x,value,derivative")
grid = [i / 4 for i in range(-40, 41)]
for spec, (f, kinks) in SPECS.items():
    near = [k + d for k in kinks for d in (-1e-9, 1e-9)]
    xs = grid + [float(k) for k in kinks] + near
    xs += [-MAX, -1e300, -1000.0, -40.0, -1e-3, 1e-3, 40.0, 1000.0, 1e300, MAX]
    values, grads = value_and_grad(f, xs)
    name = f'"{spec}"' if "," in spec else spec
    for x, v, d in zip(xs, values, grads):
        print(f"{name},{x!r},{v!r},{d!r}")

# Binary cross-entropy of one sample with logit z and label y, reduction 'mean' (batch of 1):
# BCEWithLogitsLoss(z, y) and BCELoss(sigmoid(z), y), each value with d(loss)/dz from autograd.
for z in [-800.0, -120.0, -100.5, -99.5, -50.0, -36.0, -20.0, -3.0, -1e-3, 0.0, 1e-3, 3.0, 20.0,
          36.0, 38.0, 50.0, 99.5, 100.5, 120.0, 800.0]:
    for y in [0.0, 1.0]:
        row = []
        for loss in (lambda t: F.binary_cross_entropy_with_logits(t, torch.tensor([y], dtype=torch.float64)),
                     lambda t: F.binary_cross_entropy(torch.sigmoid(t), torch.tensor([y], dtype=torch.float64))):
            t = torch.tensor([z], dtype=torch.float64, requires_grad=True)
            out = loss(t)
            out.backward()
            row += [out.item(), t.grad.item()]
        print(f"bce,{z!r},{y!r},{row[0]!r},{row[1]!r},{row[2]!r},{row[3]!r}")
