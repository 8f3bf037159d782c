"""Trains the default LNN expert: an ncps CfC forecasting daily US births one and seven days ahead
from the past 56 days (each window standardised by its own mean and std). Train 1969-1984, validate
1985-1986 (best epoch), test 1987-1988. Writes public/models/aura-cfc-births/ (ncps state_dict JSON,
preprocessing.json, metrics.json) and tests/fixtures/aura-cfc-births/fixture.json.
Run: /usr/bin/python3 training/lnn/train.py"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from births import ROOT, WASHOUT, WINDOW, cdc, windows  # noqa: E402
from cfc import CfC  # noqa: E402

MODEL_DIR = os.environ.get('CFC_OUT', os.path.join(ROOT, 'public', 'models', 'aura-cfc-births'))
FIXTURE_DIR = os.path.join(MODEL_DIR, 'fixture') if 'CFC_OUT' in os.environ else os.path.join(ROOT, 'tests', 'fixtures', 'aura-cfc-births')
SEED = 0
EPOCHS = int(os.environ.get('CFC_EPOCHS', 2))
UNITS = int(os.environ.get('CFC_UNITS', 32))
BACKBONE = int(os.environ.get('CFC_BACKBONE', 64))
LR = float(os.environ.get('CFC_LR', 3e-3))
BATCH = 64
CONFIG = {'input_size': 1, 'units': UNITS, 'mode': 'default', 'activation': 'lecun_tanh',
          'backbone_units': BACKBONE, 'backbone_layers': 1, 'proj_size': 2}


def split_ends(days, first_year, last_year):
    """Window ends whose window lies in the span and whose 7-day target does too."""
    inside = [i for i, d in enumerate(days) if first_year <= d.year <= last_year]
    lo, hi = inside[0], inside[-1]
    return np.arange(lo + WINDOW - 1, hi - 7 + 1)


def forecast_ends(days, first_year, last_year, horizon):
    """For each target day of the span: the window end `horizon` days before it."""
    return np.array([i - horizon for i, d in enumerate(days) if first_year <= d.year <= last_year])


def forecast(model, series, ends, column):
    z, _, mean, scale = windows(series, ends)
    with torch.no_grad():
        out, _ = model(torch.from_numpy(z)[..., None])
    return out[:, -1, column].numpy() * scale + mean


def horizon_mae(model, days, series, years):
    maes = {}
    for column, h in enumerate((1, 7)):
        ends = forecast_ends(days, *years, h)
        maes[h] = float(np.abs(forecast(model, series, ends, column) - series[ends + h]).mean())
    return maes


def main():
    start = time.time()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    days, series = cdc()
    z, targets, _, _ = windows(series, split_ends(days, 1969, 1984))
    x, y = torch.from_numpy(z)[..., None], torch.from_numpy(targets)
    model = CfC(1, UNITS, 2, BACKBONE)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS)
    best, best_state = None, None
    for epoch in range(EPOCHS):
        order = rng.permutation(len(x))
        total = 0.0
        for k in range(0, len(order), BATCH):
            idx = torch.from_numpy(order[k:k + BATCH])
            out, _ = model(x[idx])
            loss = ((out[:, WASHOUT:] - y[idx, WASHOUT:]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        val = horizon_mae(model, days, series, (1985, 1986))
        score = val[1] + val[7]
        if best is None or score < best:
            best, best_state = score, {k: v.clone() for k, v in model.state_dict().items()}
        print(f'epoch {epoch + 1}: train mse {total / len(x):.4f}, validation MAE 1-day {val[1]:.1f}, 7-day {val[7]:.1f}', flush=True)
    model.load_state_dict(best_state)
    wall = time.time() - start
    test = horizon_mae(model, days, series, (1987, 1988))
    val = horizon_mae(model, days, series, (1985, 1986))
    print(f'test MAE (torch): 1-day {test[1]:.1f}, 7-day {test[7]:.1f}; trained in {wall:.1f} s')
    os.makedirs(MODEL_DIR, exist_ok=True)
    state = {k: v.tolist() for k, v in model.state_dict().items()}
    with open(os.path.join(MODEL_DIR, 'model.json'), 'w') as f:
        json.dump({'format': 'ncps-torch', 'model': 'cfc', 'config': CONFIG, 'state_dict': state}, f)
    with open(os.path.join(MODEL_DIR, 'preprocessing.json'), 'w') as f:
        json.dump({'window': WINDOW, 'washout': WASHOUT, 'input': 'the window z-scored by its own mean and population std',
                   'outputs': ['z of the next day', 'z of the day 7 days after the last'],
                   'undo': 'value = output * std + mean (the window\'s)'}, f, indent=2)
    with open(os.path.join(MODEL_DIR, 'metrics.json'), 'w') as f:
        json.dump({'testMaeTorch': test, 'validationMaeTorch': val, 'trainWallSeconds': round(wall, 1), 'seed': SEED,
                   'epochs': EPOCHS, 'config': CONFIG, 'torch': torch.__version__}, f, indent=2)
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    ends = forecast_ends(days, 1987, 1987, 1)[::60][:4]
    zf, _, _, _ = windows(series, ends)
    with torch.no_grad():
        out, h = model(torch.from_numpy(zf)[..., None])
    with open(os.path.join(FIXTURE_DIR, 'fixture.json'), 'w') as f:
        json.dump({'inputs': zf.tolist(), 'output': out.numpy().tolist(), 'finalState': h.numpy().tolist()}, f)


if __name__ == '__main__':
    main()
