"""
The weight formula of fixtures/README.md (core/weights/formula.ts) in numpy, shared by the Python
reference scripts: every value is a pure function of the tensor's name and the element's index, so
PyTorch, numpy and TRT Studio fill a network with the same weights without downloading any.
"""
import math

import numpy as np


def fnv1a32(name):
    h = 0x811C9DC5
    for b in name.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def formula_u(name, n):
    """formulaUniform for elements 0..n-1 of the tensor called `name`: values in [-1, 1), float64."""
    m = np.uint64(0xFFFFFFFF)
    i = np.arange(n, dtype=np.uint64)
    x = (np.uint64(fnv1a32(name)) ^ ((i * np.uint64(0x9E3779B1)) & m)) & m
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & m
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & m
    x ^= x >> np.uint64(16)
    return ((x >> np.uint64(8)).astype(np.float64) / 2**24) * 2 - 1


def formula_values(name, shape):
    """formulaTensor for a floating-point tensor: float32 values in `shape`, by the name's last part."""
    shape = list(shape)
    u = formula_u(name, int(np.prod(shape)) if shape else 1)
    leaf = name.split(".")[-1]
    if leaf == "running_var":
        v = 1 + 0.25 * (u + 1)
    elif leaf == "running_mean":
        v = 0.1 * u
    elif leaf == "weight" and len(shape) == 1:
        v = 1 + 0.1 * u
    elif leaf == "bias":
        v = 0.05 * u
    elif len(shape) >= 2:
        v = math.sqrt(6 / np.prod(shape[1:])) * u
    else:
        v = 0.1 * u
    return v.astype(np.float32).reshape(shape)


def formula_input(shape):
    """The formula's input: `u` for the name 'input', float32, in `shape` (NCHW)."""
    return formula_u("input", int(np.prod(shape))).astype(np.float32).reshape(shape)
