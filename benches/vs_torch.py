#!/usr/bin/env python3
"""reluscope against PyTorch eager, side by side on this machine.

Runs every case of benches/common/mod.rs through `cargo bench --bench vs_torch` and the same
network, batch and work in PyTorch (float64, eager, its default thread count), in turn, for
several rounds, and prints the median time of each and the ratio PyTorch / reluscope (higher is
better for reluscope). Pairing the two in every round keeps the ratio meaningful while the
machine's speed drifts.

Needs PyTorch: `python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch`, then
`/tmp/torchenv/bin/python benches/vs_torch.py` from the repository root (or set PYTHON to that
interpreter and run it with any Python 3). Nothing else in the project needs PyTorch.

    vs_torch.py [--rounds 5] [--ms 300] [--torch-threads N] [--case NAME ...]

reluscope's engine runs on one core. PyTorch uses its default thread count unless
--torch-threads says otherwise; on a machine shared with other work, --torch-threads 1 keeps its
threads from waiting on each other (and compares one core with one core).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError:
    sys.exit("vs_torch.py: PyTorch is not installed here; see the docstring for how to install it")

torch.set_default_dtype(torch.float64)


def mlp(inputs, hidden, outputs=1):
    layers, fan_in = [], inputs
    for width in hidden:
        layers += [nn.Linear(fan_in, width), nn.ReLU()]
        fan_in = width
    layers.append(nn.Linear(fan_in, outputs))
    return nn.Sequential(*layers)


def circle(n, gen):
    """Points like the circle dataset: label 1 inside radius 2.5 of a 5-radius disc."""
    r = 5.0 * torch.rand(n, generator=gen).sqrt()
    a = 2 * torch.pi * torch.rand(n, generator=gen)
    x = torch.stack([r * a.cos(), r * a.sin()], 1)
    y = (r < 2.5).double().unsqueeze(1)
    return x, y


def step_case(inputs, hidden, batch, classes=0):
    """One SGD step on a mini-batch, cycling through 1,000 samples (as the Rust case); with
    `classes`, one output per class and softmax cross-entropy."""
    gen = torch.Generator().manual_seed(7)
    pool = max(1000, batch)
    xs = torch.rand(pool, inputs, generator=gen) * 2 - 1
    if classes:
        ys = ((xs[:, 0] + 1) / 2 * classes).long().clamp(0, classes - 1)
        model = mlp(inputs, hidden, classes)
        crit = nn.CrossEntropyLoss()
    else:
        ys = ((xs[:, 0] * xs[:, min(2, inputs) - 1]) > 0).double().unsqueeze(1)
        model = mlp(inputs, hidden)
        crit = nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    state = {"start": 0}

    def run():
        s = state["start"]
        idx = torch.arange(s, s + batch) % pool
        state["start"] = (s + batch) % pool
        x, y = xs[idx], ys[idx]
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()

    return run


def health(model, x, y, crit):
    """What reluscope's health pass measures, the PyTorch way: one forward pass over the
    training set with, per hidden neuron, the share of samples where f'(z) != 0, mean |f'(z)|,
    min, max and quartiles of z, per layer the share of exact zeros, and the loss."""
    with torch.no_grad():
        h = x
        stats = []
        for layer in model:
            if isinstance(layer, nn.Linear):
                z = layer(h)
                h = z
            else:
                q = torch.quantile(z, torch.tensor([0.25, 0.75]), dim=0)
                active = (z > 0).double()
                stats.append((active.mean(0), active.mean(0), z.amin(0), z.amax(0), q))
                h = layer(z)
                stats.append((h == 0).double().mean())
        return crit(h, y).item(), stats


def epoch_case():
    """One epoch of the default run: 25 steps of 10 over 250 points, the health pass, the
    test loss."""
    gen = torch.Generator().manual_seed(0)
    x, y = circle(250, gen)
    tx, ty = circle(250, gen)
    model = mlp(2, [8, 8])
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    crit = nn.BCEWithLogitsLoss()

    def run():
        perm = torch.randperm(250)
        for s in range(0, 250, 10):
            idx = perm[s:s + 10]
            opt.zero_grad()
            loss = crit(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        health(model, x, y, crit)
        with torch.no_grad():
            crit(model(tx), ty).item()

    return run


def health_case():
    gen = torch.Generator().manual_seed(1)
    x, y = circle(500, gen)
    model = mlp(2, [8, 8])
    crit = nn.BCEWithLogitsLoss()
    return lambda: health(model, x, y, crit)


TORCH = {
    "epoch_2-8-8-1_b10": epoch_case,
    "step_64x8_b10": lambda: step_case(2, [64] * 8, 10),
    "step_64-64-32-10_b32": lambda: step_case(64, [64, 32], 32, classes=10),
    "step_64-64-32-1_b32": lambda: step_case(64, [64, 32], 32),
    "full_250": lambda: step_case(2, [8, 8], 250),
    "full_500": lambda: step_case(2, [8, 8], 500),
    "full_1000": lambda: step_case(2, [8, 8], 1000),
    "full_10000": lambda: step_case(2, [8, 8], 10000),
    "health_500": health_case,
}


def median_ns(run, ms):
    """Median nanoseconds per call over batches of about 10 ms run for `ms` milliseconds."""
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.05 or calls < 3:
        run()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, int(0.01 / per_call))
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < ms / 1000 or len(times) < 5:
        t = time.perf_counter()
        for _ in range(batch):
            run()
        times.append((time.perf_counter() - t) * 1e9 / batch)
    return statistics.median(times)


def cargo(*args):
    out = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "vs_torch", "--", *args],
        check=True, capture_output=True, text=True,
    ).stdout
    return out.split("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--ms", type=int, default=300)
    ap.add_argument("--case", action="append")
    ap.add_argument("--torch-threads", type=int)
    args = ap.parse_args()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    subprocess.run(["cargo", "bench", "--quiet", "--bench", "vs_torch", "--no-run"], check=True)
    cases = [c for c in cargo("--list") if c and (not args.case or c in args.case)]
    params = {}
    ours = {c: [] for c in cases}
    theirs = {c: [] for c in cases}
    ratios = {c: [] for c in cases}
    runs = {c: TORCH[c]() for c in cases}
    for _ in range(args.rounds):
        for c in cases:
            line = next(l for l in cargo("--case", c, "--ms", str(args.ms)) if l.startswith("case"))
            rust = float(line.split()[2])
            params[c] = (int(line.split()[3]), int(line.split()[4]))
            torch_ns = median_ns(runs[c], args.ms)
            ours[c].append(rust)
            theirs[c].append(torch_ns)
            ratios[c].append(torch_ns / rust)
    peak = cargo("--peak")[0].split()[1]
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"{args.rounds} rounds of {args.ms} ms per side")
    if peak != "unknown":
        print(f"f64 multiply-add peak on one core (tight loop of 256-bit FMAs): "
              f"{float(peak) / 1e9:.1f} G/s")
    print(f"{'case':<22} {'reluscope':>12} {'PyTorch':>12} {'ratio':>8}  (ratio range)")
    for c in cases:
        m = statistics.median
        print(f"{c:<22} {m(ours[c]) / 1e3:>10.1f}us {m(theirs[c]) / 1e3:>10.1f}us "
              f"{m(ratios[c]):>7.1f}x  ({min(ratios[c]):.1f}-{max(ratios[c]):.1f})")
    wide = "step_64x8_b10"
    if wide in ours:
        samples, n = params[wide]
        ns = statistics.median(ours[wide]) / (samples * n)
        print(f"64-wide ({wide}, {n} parameters): {ns:.3f} ns per sample and parameter "
              f"({1 / ns:.2f} G sample-parameters/s)")
        if peak != "unknown":
            # A training step does at least 3 multiply-adds per sample and parameter: the
            # forward product, the input gradient and the weight gradient.
            fma_ns = 1e9 / float(peak)
            print(f"  beside the peak: {fma_ns:.4f} ns per multiply-add, so one sample-parameter "
                  f"costs {ns / fma_ns:.1f} multiply-add times ({ns / (3 * fma_ns):.1f}x the "
                  f"3 a step needs at peak)")
    if "health_500" in ours and "full_500" in ours:
        print(f"health pass / full-batch step on 500 samples (reluscope): "
              f"{statistics.median(ours['health_500']) / statistics.median(ours['full_500']):.2f}")


if __name__ == "__main__":
    main()
