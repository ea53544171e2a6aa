#!/usr/bin/env python3
"""Extracts the four real datasets reluscope ships from scikit-learn's wheel, once, at
development time. The binary embeds the CSV files this writes; nothing is fetched at run time.

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install scikit-learn
    /tmp/torchenv/bin/python tests/data/extract_datasets.py

Sources (scikit-learn ships them as files under sklearn/datasets/data/, BSD-3-Clause; the data
come from the UCI Machine Learning Repository, CC BY 4.0):
  iris           150 x 4,  3 classes (Fisher 1936)
  wine           178 x 13, 3 classes (Forina et al.)
  breast-cancer  569 x 30, 2 classes (Wolberg, Street, Mangasarian 1995)
  digits        1797 x 64, 10 classes (Alpaydin, Kaynak 1998; 8x8 images, 0..16 per pixel)
The rows keep scikit-learn's order; the target is the last column (class names where
scikit-learn has them, the digit itself for digits).
"""

import csv
import os

from sklearn import datasets

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "engine", "datasets")


def write(name, bunch, target_name, names=None):
    path = os.path.join(OUT, name + ".csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        cols = [c.replace(" (cm)", "").replace(" ", "_") for c in bunch.feature_names]
        w.writerow(cols + [target_name])
        for x, y in zip(bunch.data, bunch.target):
            row = [repr(float(v)) if float(v) != int(v) else str(int(v)) for v in x]
            w.writerow(row + [names[y] if names is not None else str(int(y))])
    print(path, len(bunch.target), "rows")


def main():
    os.makedirs(OUT, exist_ok=True)
    iris = datasets.load_iris()
    write("iris", iris, "species", list(iris.target_names))
    wine = datasets.load_wine()
    write("wine", wine, "cultivar", list(wine.target_names))
    bc = datasets.load_breast_cancer()
    write("breast-cancer", bc, "diagnosis", list(bc.target_names))
    digits = datasets.load_digits()
    write("digits", digits, "digit")


if __name__ == "__main__":
    main()
