#!/usr/bin/env python3
"""Writes the training references under tests/data/training/: for each case a CSV file, the
initial model (reluscope model file v1), and <case>.json with the flags, PyTorch's loss at
every step (the mini-batch's mean loss before the update) and the final parameters, all in
float64. tests/training_reference.rs trains reluscope from the same model on the same file
with the same flags and requires agreement to 1e-10 relative. CI never needs PyTorch.

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
    /tmp/torchenv/bin/python tests/data/gen_training_reference.py

Every case trains without shuffling, so the mini-batches are the training rows in file order
(`--no-shuffle`), and the train/test split keeps the file order (the first ⌊n·f⌋ rows train).
"""

import csv
import json
import os

import numpy as np
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "training")

CASES = [
    # name, inputs, task (classes or "regression"), hidden, activation, optimizer, lr,
    # momentum, batch (0 = full), epochs, rows, train fraction, standardize
    dict(name="ce-sgd-4in", inputs=4, classes=3, hidden=[8], act="relu", opt="sgd", lr=0.002,
         momentum=0.9, batch=10, epochs=5, rows=60, fraction=1.0, standardize=False),
    dict(name="ce-adam-13in", inputs=13, classes=3, hidden=[16, 8], act="relu", opt="adam",
         lr=0.01, momentum=0.0, batch=16, epochs=6, rows=100, fraction=0.8, standardize=True),
    dict(name="ce-full-batch", inputs=4, classes=4, hidden=[6], act="relu", opt="sgd", lr=0.01,
         momentum=0.0, batch=0, epochs=40, rows=48, fraction=1.0, standardize=False),
    dict(name="bce-13in", inputs=13, classes=2, hidden=[8], act="relu", opt="sgd", lr=0.05,
         momentum=0.0, batch=8, epochs=4, rows=64, fraction=0.75, standardize=True),
    dict(name="mse-4in", inputs=4, classes="regression", hidden=[8, 8], act="relu", opt="adam",
         lr=0.005, momentum=0.0, batch=5, epochs=4, rows=40, fraction=1.0, standardize=False),
]


def make_data(case, rng):
    n, d = case["rows"], case["inputs"]
    # Columns on different scales, so that standardizing matters.
    scale = np.linspace(0.5, 20.0, d)
    x = rng.normal(0.0, 1.0, (n, d)) * scale + np.linspace(-3.0, 5.0, d)
    w = rng.normal(0.0, 1.0, (d,)) / scale
    score = x @ w
    if case["classes"] == "regression":
        return x, score / (np.abs(score).max()), None
    k = case["classes"]
    cuts = np.quantile(score, np.linspace(0, 1, k + 1)[1:-1])
    label = np.searchsorted(cuts, score)
    names = ["0", "1"] if k == 2 else ["class-" + "abcdefgh"[i] for i in range(k)]
    return x, label, names


def model_json(case, cols, layers, names, standardize):
    out = []
    for i, lin in enumerate(layers):
        last = i == len(layers) - 1
        if last:
            act = {"regression": "linear"}.get(case["classes"], "sigmoid" if case["classes"] == 2 else "linear")
        else:
            act = case["act"]
        out.append({"activation": act, "weights": lin.weight.detach().tolist(),
                    "bias": lin.bias.detach().tolist()})
    loss = "mse" if case["classes"] == "regression" else ("bce" if case["classes"] == 2 else "cross-entropy")
    m = {"format": "reluscope.model.v1", "inputs": cols, "columns": cols}
    if standardize is not None:
        m["standardize"] = {"mean": standardize[0].tolist(), "sd": standardize[1].tolist()}
    if names is not None and case["classes"] != 2:
        m["classes"] = names
    m["layers"] = out
    m["loss"] = loss
    return m


def run(case):
    rng = np.random.default_rng(len(case["name"]) * 7919)
    torch.manual_seed(len(case["name"]))
    x, y, names = make_data(case, rng)
    d = case["inputs"]
    cols = [f"f{j + 1}" for j in range(d)]
    path = os.path.join(OUT, case["name"] + ".csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols + ["target"])
        for r in range(len(x)):
            t = repr(float(y[r])) if names is None else names[y[r]]
            w.writerow([repr(float(v)) for v in x[r]] + [t])
    n_train = int(np.floor(len(x) * case["fraction"]))
    xt = torch.tensor(x[:n_train])
    standardize = None
    if case["standardize"]:
        mean = xt.mean(0)
        sd = xt.std(0, unbiased=False)
        standardize = (mean.numpy(), sd.numpy())
        xt = (xt - mean) / sd
    dims = [d] + case["hidden"]
    k = case["classes"]
    outputs = 1 if k in (2, "regression") else k
    layers = [nn.Linear(dims[i], dims[i + 1]) for i in range(len(case["hidden"]))]
    layers.append(nn.Linear(dims[-1], outputs))
    init = model_json(case, cols, layers, names, standardize)
    with open(os.path.join(OUT, case["name"] + ".init.json"), "w") as f:
        json.dump(init, f, indent=1)
        f.write("\n")
    params = [p for l in layers for p in l.parameters()]
    if case["opt"] == "sgd":
        opt = torch.optim.SGD(params, lr=case["lr"], momentum=case["momentum"])
    else:
        opt = torch.optim.Adam(params, lr=case["lr"])

    def forward(xb):
        h = xb
        for l in layers[:-1]:
            h = torch.relu(l(h))
        return layers[-1](h)

    if k == "regression":
        yt = torch.tensor(y[:n_train]).unsqueeze(1)
        loss_fn = nn.MSELoss()
    elif k == 2:
        yt = torch.tensor(y[:n_train], dtype=torch.float64).unsqueeze(1)
        loss_fn = nn.BCEWithLogitsLoss()
    else:
        yt = torch.tensor(y[:n_train], dtype=torch.long)
        loss_fn = nn.CrossEntropyLoss()
    b = case["batch"] or n_train
    losses = []
    for _ in range(case["epochs"]):
        for s in range(0, n_train, b):
            opt.zero_grad()
            loss = loss_fn(forward(xt[s:s + b]), yt[s:s + b])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    final = model_json(case, cols, layers, names, standardize)
    ref = {
        "torch": torch.__version__,
        "flags": {k2: case[k2] for k2 in ("opt", "lr", "momentum", "batch", "fraction", "standardize", "hidden", "act")},
        "steps": len(losses),
        "losses": losses,
        "final": final,
    }
    with open(os.path.join(OUT, case["name"] + ".json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    print(case["name"], len(losses), "steps, last loss", losses[-1])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for c in CASES:
        run(c)
