"""Digits test split and its baselines for `npm run eval -- neuromorphic`: prints JSON.
The split and scaling are the training's (training/neuromorphic/digits.py); logistic regression and an
MLP with the spiking network's layer sizes (its hidden widths as arguments, e.g. `digits.py 128`: 64-128-10)
are fitted here on the training split (all 80 %, with sklearn's defaults: nothing is selected)."""
import json
import os
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'training', 'neuromorphic'))
from digits import load_split, unit_scale  # noqa: E402


def main():
    hidden = tuple(int(h) for h in sys.argv[1:]) or (128,)
    sizes = (64,) + hidden + (10,)
    mlp_macs = sum(a * b for a, b in zip(sizes, sizes[1:]))
    images, labels, train = load_split()
    x = unit_scale(images)
    out = {'test': {'images': images[~train].astype(int).tolist(), 'labels': labels[~train].tolist()}, 'baselines': []}
    for name, model, macs in [
        ('logistic regression (64→10)', LogisticRegression(max_iter=5000), 64 * 10),
        (f"MLP {'-'.join(map(str, sizes))} (ReLU)", MLPClassifier(hidden_layer_sizes=hidden, max_iter=2000, random_state=0), mlp_macs),
    ]:
        start = time.time()
        model.fit(x[train], labels[train])
        accuracy = float((model.predict(x[~train]) == labels[~train]).mean())
        out['baselines'].append({'name': name, 'accuracy': accuracy, 'macs': macs, 'fitSeconds': round(time.time() - start, 2)})
    print(json.dumps(out))


if __name__ == '__main__':
    main()
