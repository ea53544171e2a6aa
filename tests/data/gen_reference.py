#!/usr/bin/env python3
"""Writes tests/data/activation_reference.csv: every activation's value and derivative from its
published formula, computed with mpmath at 80 significant digits, then rounded once to f64
(a value beyond f64's range rounds to +-inf; reluscope saturates there at +-f64::MAX).

PyTorch's conventions at kinks (relu'(0) = 0, relu6'(0) = relu6'(6) = 0, leaky'(0) = slope,
hardsigmoid'(+-3) = 0, hardswish'(-3) = 0 and hardswish'(3) = 1, ...) and softplus's threshold
are written out here independently of the Rust code. They are PyTorch 2.15's autograd, as
recorded by gen_pytorch_reference.py in pytorch_reference.csv (hard-swish's changed in 2025,
pytorch#147801: it used to be -0.5 and 1.5).
Run: python3 tests/data/gen_reference.py > tests/data/activation_reference.csv
"""
import sys

from mpmath import mp, mpf, exp, log1p, tanh, erfc, sqrt, pi

mp.dps = 80
SELU_ALPHA = mpf("1.6732632423543772848170429916717")
SELU_SCALE = mpf("1.0507009873554804934193349852946")


def sig(x):
    return 1 / (1 + exp(-x))


def Phi(x):
    # mpmath's erfc overflows far out; beyond |x| = 1e4 the tail is below e^(-5e7), far under
    # the smallest f64, so Phi is 0 or 1 to every digit that survives the rounding.
    if abs(x) > 10000:
        return mpf(0) if x < 0 else mpf(1)
    return erfc(-x / sqrt(2)) / 2


def phi(x):
    return exp(-x * x / 2) / sqrt(2 * pi)


def leaky(s):
    return (lambda x: x if x > 0 else s * x, lambda x: mpf(1) if x > 0 else mpf(s))


def elu(a):
    return (lambda x: x if x > 0 else a * (exp(x) - 1), lambda x: mpf(1) if x > 0 else a * exp(x))


def celu(a):
    return (lambda x: x if x > 0 else a * (exp(x / a) - 1), lambda x: mpf(1) if x > 0 else exp(x / a))


def gelu_tanh():
    k, c = sqrt(2 / pi), mpf("0.044715")

    def f(x):
        return x * (1 + tanh(k * (x + c * x**3))) / 2

    def d(x):
        t = tanh(k * (x + c * x**3))
        return (1 + t) / 2 + x * (1 - t * t) * k * (1 + 3 * c * x * x) / 2

    return f, d


def silu(b):
    return (lambda x: x * sig(b * x), lambda x: sig(b * x) + b * x * sig(b * x) * (1 - sig(b * x)))


def mish():
    def sp(x):
        return log1p(exp(x))

    return (lambda x: x * tanh(sp(x)),
            lambda x: tanh(sp(x)) + x * sig(x) * (1 - tanh(sp(x)) ** 2))


def softplus(b, th):
    return (lambda x: x if b * x > th else log1p(exp(b * x)) / b,
            lambda x: mpf(1) if b * x > th else sig(b * x))


def clamp(lo, hi, slope=1):
    return (lambda x: min(max(x, lo), hi), lambda x: mpf(slope) if lo < x < hi else mpf(0))


def hardswish():
    def d(x):
        if x <= -3:
            return mpf(0)
        if x < 3:
            return x / 3 + mpf(1) / 2
        return mpf(1)

    return (lambda x: x * min(max(x + 3, 0), 6) / 6, d)


SPECS = {
    "relu": ((lambda x: x if x > 0 else mpf(0)), (lambda x: mpf(1) if x > 0 else mpf(0)), [0]),
    "leaky-relu": (*leaky(mpf("0.01")), [0]),
    "leaky-relu:slope=0.2": (*leaky(mpf("0.2")), [0]),
    "prelu": (*leaky(mpf("0.25")), [0]),
    "prelu:a=-0.3": (*leaky(mpf("-0.3")), [0]),
    "prelu:a=5": (*leaky(mpf(5)), [0]),
    "elu": (*elu(mpf(1)), [0]),
    "elu:alpha=0.5": (*elu(mpf("0.5")), [0]),
    "selu": ((lambda x: SELU_SCALE * (x if x > 0 else SELU_ALPHA * (exp(x) - 1))),
             (lambda x: SELU_SCALE * (1 if x > 0 else SELU_ALPHA * exp(x))), [0]),
    "celu": (*celu(mpf(1)), [0]),
    "celu:alpha=2": (*celu(mpf(2)), [0]),
    "gelu": ((lambda x: x * Phi(x)), (lambda x: Phi(x) + x * phi(x)), []),
    "gelu:approx=tanh": (*gelu_tanh(), []),
    "silu": (*silu(mpf(1)), []),
    "silu:beta=1.5": (*silu(mpf("1.5")), []),
    "mish": (*mish(), []),
    "softplus": (*softplus(mpf(1), mpf(20)), [20]),
    "softplus:beta=2": (*softplus(mpf(2), mpf(20)), [10]),
    "softplus:beta=0.5,threshold=5": (*softplus(mpf("0.5"), mpf(5)), [10]),
    "relu6": (*clamp(0, 6), [0, 6]),
    "hard-tanh": (*clamp(-1, 1), [-1, 1]),
    "hard-tanh:min=-2,max=3": (*clamp(-2, 3), [-2, 3]),
    "hard-sigmoid": ((lambda x: min(max(x + 3, 0), 6) / 6), clamp(-3, 3, mpf(1) / 6)[1], [-3, 3]),
    "hard-swish": (*hardswish(), [-3, 3]),
    "sigmoid": (sig, (lambda x: sig(x) * (1 - sig(x))), []),
    "tanh": (tanh, (lambda x: 1 - tanh(x) ** 2), []),
    "softsign": ((lambda x: x / (1 + abs(x))), (lambda x: 1 / (1 + abs(x)) ** 2), []),
    "linear": ((lambda x: x), (lambda x: mpf(1)), []),
    "step": ((lambda x: mpf(1) if x > 0 else mpf(0)), (lambda x: mpf(0)), [0]),
}

print("spec,x,value,derivative")
grid = [mpf(i) / 4 for i in range(-40, 41)]
for spec, (f, d, kinks) in SPECS.items():
    near = [mpf(k + d) for k in kinks for d in (-1e-9, 1e-9)]
    extremes = (-sys.float_info.max, -1e300, -1000, -40, -1e-3, 1e-3, 40, 1000, 1e300, sys.float_info.max)
    xs = grid + [mpf(k) for k in kinks] + near + [mpf(v) for v in extremes]
    for x in xs:
        # Quote specs with commas so the CSV stays four columns.
        name = f'"{spec}"' if "," in spec else spec
        print(f"{name},{repr(float(x))},{repr(float(f(x)))},{repr(float(d(x)))}")
