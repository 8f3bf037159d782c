"""Digits test split and its baselines for `npm run eval -- neuromorphic`: prints JSON.
The split and scaling are the training's (training/neuromorphic/digits.py); logistic regression and an
MLP with the spiking network's layer sizes (64-128-10) are fitted here on the training split."""
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
    images, labels, train = load_split()
    x = unit_scale(images)
    out = {'test': {'images': images[~train].astype(int).tolist(), 'labels': labels[~train].tolist()}, 'baselines': []}
    for name, model, macs in [
        ('logistic regression (64→10)', LogisticRegression(max_iter=5000), 64 * 10),
        ('MLP 64-128-10 (ReLU)', MLPClassifier(hidden_layer_sizes=(128,), max_iter=2000, random_state=0), 64 * 128 + 128 * 10),
    ]:
        start = time.time()
        model.fit(x[train], labels[train])
        accuracy = float((model.predict(x[~train]) == labels[~train]).mean())
        out['baselines'].append({'name': name, 'accuracy': accuracy, 'macs': macs, 'fitSeconds': round(time.time() - start, 2)})
    print(json.dumps(out))


if __name__ == '__main__':
    main()
