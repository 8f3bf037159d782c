"""The UCI digits (sklearn), split 80/20 by a hash of the sample index, scaled as the runtime's
series shaping does (min-max per image, float32: src/kernels/series-shape.ts unitScale).
Hash bucket = int(sha256(str(index))[:8], 16) % 10: buckets 0-7 train, 8-9 test; inside the training
80 %, bucket 7 is the validation split (model selection), buckets 0-6 the fitting split."""
import hashlib

import numpy as np
from sklearn.datasets import load_digits


VALIDATION_BUCKET = 7


def bucket(index: int) -> int:
    return int(hashlib.sha256(str(index).encode()).hexdigest()[:8], 16) % 10


def in_train(index: int) -> bool:
    return bucket(index) < 8


def unit_scale(images: np.ndarray) -> np.ndarray:
    """f32 (v - min) / (max - min) per row; a constant row maps to 0.5 (as unitScale)."""
    x = images.astype(np.float32)
    lo = x.min(axis=1, keepdims=True)
    span = (x.max(axis=1, keepdims=True) - lo).astype(np.float32)
    out = np.where(span > 0, (x - lo) / np.where(span > 0, span, 1), np.float32(0.5))
    return out.astype(np.float32)


def load_split():
    d = load_digits()
    train = np.array([in_train(i) for i in range(len(d.target))])
    return d.data, d.target, train


def validation_mask(count: int) -> np.ndarray:
    """The validation split: training images in hash bucket 7 (never the test split's 8-9)."""
    return np.array([bucket(i) == VALIDATION_BUCKET for i in range(count)])
