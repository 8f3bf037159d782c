"""Trains the default neuromorphic expert: a spiking digit classifier (UCI digits, latency-coded,
snnTorch-Leaky hidden layers 128 and 64, readout on the last one's rates), BPTT with the atan surrogate
gradient, fitted on hash buckets 0-6 and scored on the validation bucket 7.
Writes public/models/aura-snn-digits/model.snn (the runtime's weights file), metrics.json and the
parity fixtures tests/fixtures/aura-snn-digits/. Run: nice -n 19 /usr/bin/python3 training/neuromorphic/train.py"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from digits import load_split, unit_scale, validation_mask  # noqa: E402
from snn import DigitsSnn, latency_encode  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODEL_DIR = os.environ.get('SNN_OUT', os.path.join(ROOT, 'public', 'models', 'aura-snn-digits'))
FIXTURE_DIR = os.path.join(os.environ['SNN_OUT'], 'fixture') if 'SNN_OUT' in os.environ else os.path.join(ROOT, 'tests', 'fixtures', 'aura-snn-digits')
STEPS = tuple(int(t) for t in os.environ.get('SNN_STEPS', '4,8,16').split(','))  # batches cycle through them: one model serves each
SEED, BATCH = int(os.environ.get('SNN_SEED', 1)), 64
EPOCHS = int(os.environ.get('SNN_EPOCHS', 300))
HIDDEN = tuple(int(h) for h in os.environ.get('SNN_HIDDEN', '128,64').split(','))  # '128': one hidden layer
BETA = float(os.environ.get('SNN_BETA', 0.9))
LR = float(os.environ.get('SNN_LR', 5e-3))
GAIN = float(os.environ.get('SNN_GAIN', 8.0))
GAIN2 = float(os.environ.get('SNN_GAIN2', 2.0))
FIT = os.environ.get('SNN_FIT', 'train')  # 'train': all 80 % (the shipped refit); 'fit': buckets 0-6, scored on bucket 7 (selection runs)
SHIFT = os.environ.get('SNN_SHIFT', '1')  # '1': every other epoch on shifted copies, 'all': every epoch, '0': none
DROPOUT = float(os.environ.get('SNN_DROPOUT', 0))  # on hidden spikes, training only
SMOOTH = float(os.environ.get('SNN_SMOOTH', 0))  # label smoothing of the cross-entropy
ENSEMBLE = int(os.environ.get('SNN_ENSEMBLE', 1))  # seeds SEED .. SEED + K - 1, merged by merge()
THREADS = int(os.environ.get('SNN_THREADS', 1))  # the shipped model was trained with one thread (bit-exact rerun)


def shifted(images: np.ndarray, rng) -> np.ndarray:
    """Each 8 x 8 image moved by -1, 0 or +1 pixel in x and y (zero fill): augmentation."""
    out = np.zeros_like(images).reshape(-1, 8, 8)
    src = images.reshape(-1, 8, 8)
    for i, (dy, dx) in enumerate(rng.integers(-1, 2, size=(len(images), 2))):
        ys, yd = (slice(0, 8 - dy), slice(dy, 8)) if dy >= 0 else (slice(-dy, 8), slice(0, 8 + dy))
        xs, xd = (slice(0, 8 - dx), slice(dx, 8)) if dx >= 0 else (slice(-dx, 8), slice(0, 8 + dx))
        out[i][yd, xd] = src[i][ys, xs]
    return out.reshape(len(images), 64)

def export(model: DigitsSnn, path: str) -> None:
    """The runtime's weights file (src/services/neuromorphic/weights-file.ts), snnTorch's neuron names."""
    data, off = [], 0

    def ref(t):
        nonlocal off
        a = t.detach().numpy().astype('<f4').ravel()
        data.append(a)
        r = {'offset': off, 'length': int(a.size)}
        off += a.size
        return r

    neuron = {'model': 'snntorch', 'beta': BETA, 'threshold': 1.0, 'reset': 'subtract'}
    layers = [{'inputs': fc.in_features, 'outputs': fc.out_features, 'neuron': neuron, 'thresholdGe': False,
               'weights': ref(fc.weight), 'bias': ref(fc.bias)} for fc in model.layers]
    readout = {'inputs': HIDDEN[-1], 'outputs': 10, 'weights': ref(model.readout.weight), 'bias': ref(model.readout.bias)}
    h = json.dumps({'format': 'aura-snn', 'version': 1, 'layers': layers, 'readout': readout}).encode()
    h += b' ' * (-(12 + len(h)) % 4)
    with open(path, 'wb') as f:
        f.write(b'AURASNN1' + struct.pack('<I', len(h)) + h + np.concatenate(data).tobytes())

def evaluate(model, x, y, steps):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits, raster = model(torch.from_numpy(latency_encode(x, steps)))
    model.train(was_training)
    return float((logits.argmax(1).numpy() == y).mean()), logits, raster

def merge(members: list) -> DigitsSnn:
    """Seeds averaged in logit space as one network: their hidden layers side by side (no synapse between
    them), the readout [W_1 ... W_K] / K with the mean bias. The readout is linear in the spike counts, so
    its logits are exactly the members' mean: the runtime runs the ensemble as a plain wider layer."""
    k = len(members)
    merged = DigitsSnn(hidden=(sum(m.fc1.out_features for m in members),), beta=BETA)
    with torch.no_grad():
        merged.fc1.weight.copy_(torch.cat([m.fc1.weight for m in members]))
        merged.fc1.bias.copy_(torch.cat([m.fc1.bias for m in members]))
        merged.readout.weight.copy_(torch.cat([m.readout.weight for m in members], dim=1) / k)
        merged.readout.bias.copy_(torch.stack([m.readout.bias for m in members]).mean(0))
    return merged


def train_member(seed, images, fit, xtr, ytr, xva, yva) -> DigitsSnn:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = DigitsSnn(hidden=HIDDEN, beta=BETA, dropout=DROPOUT)
    with torch.no_grad():  # latency input is at most one spike per pixel: start with weights that fire
        model.fc1.weight.mul_(GAIN)
        for fc in model.layers[1:]:  # hidden spikes are denser than the latency input
            fc.weight.mul_(GAIN2)
    opt = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=float(os.environ.get('SNN_WD', 0)))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS)
    encoded = {t: latency_encode(xtr, t) for t in STEPS}
    for epoch in range(EPOCHS):
        if SHIFT == 'all' or (SHIFT == '1' and epoch % 2 == 0):  # epochs on shifted copies of the training images
            encoded = {t: latency_encode(unit_scale(shifted(images[fit], rng)), t) for t in STEPS}
        elif SHIFT == '1':
            encoded = {t: latency_encode(xtr, t) for t in STEPS}
        order = rng.permutation(len(ytr))
        total = 0.0
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            steps = STEPS[(epoch * 97 + k // BATCH) % len(STEPS)]
            logits, _ = model(torch.from_numpy(encoded[steps][:, idx]))
            loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(ytr[idx]).long(), label_smoothing=SMOOTH)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            accs = {t: round(evaluate(model, xtr, ytr, t)[0], 4) for t in STEPS}
            vals = {t: round(evaluate(model, xva, yva, t)[0], 4) for t in STEPS}
            print(f'seed {seed} epoch {epoch + 1}: loss {total / len(ytr):.4f}, train accuracy {accs}, validation {vals}', flush=True)
    return model


def main():
    start = time.time()
    torch.set_num_threads(THREADS)
    images, labels, train = load_split()
    valid = validation_mask(len(labels))
    # Selection runs fit on buckets 0-6 and score bucket 7; SNN_FIT=train refits the chosen setting on all 80 %.
    fit = train if FIT == 'train' else train & ~valid
    x = unit_scale(images)
    xtr, ytr, xte, yte = x[fit], labels[fit], x[~train], labels[~train]
    xva, yva = x[valid], labels[valid]
    if ENSEMBLE > 1 and len(HIDDEN) > 1:
        raise SystemExit('SNN_ENSEMBLE merges one-hidden-layer members only')
    members = [train_member(SEED + i, images, fit, xtr, ytr, xva, yva) for i in range(ENSEMBLE)]
    model = members[0] if ENSEMBLE == 1 else merge(members)
    wall = time.time() - start
    # No test accuracy here: the test split is scored once, through the runtime, by `npm run eval -- neuromorphic`.
    validation = {str(t): evaluate(model, xva, yva, t)[0] for t in STEPS}
    print(f'validation accuracy (torch, {len(yva)} images{", seen in training" if FIT == "train" else ""}): {validation}; trained in {wall:.1f} s')
    os.makedirs(MODEL_DIR, exist_ok=True)
    export(model, os.path.join(MODEL_DIR, 'model.snn'))
    with open(os.path.join(MODEL_DIR, 'metrics.json'), 'w') as f:
        json.dump({'fit': FIT, 'validationAccuracyTorch': validation, 'fitImages': int(fit.sum()), 'validationImages': int(valid.sum()),
                   'testImages': int((~train).sum()), 'trainWallSeconds': round(wall, 1), 'seed': SEED, 'ensemble': ENSEMBLE, 'epochs': EPOCHS,
                   'hidden': list(HIDDEN), 'beta': BETA, 'lr': LR, 'gain': GAIN, 'shift': SHIFT, 'dropout': DROPOUT, 'labelSmoothing': SMOOTH, 'timeSteps': list(STEPS),
                   'torch': torch.__version__}, f, indent=2)
    write_fixture(model, images, x, labels, train)


def write_fixture(model, images, x, labels, train) -> None:
    """Parity fixtures: 12 test images (unit-scaled f32) and what this side computes for them: the last
    layer's spikes, every layer's spike count per image, the readout's logits."""
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    pick = np.arange(12)
    xte, yte = x[~train][pick], labels[~train][pick]
    fixture = {'steps': {}, 'images': images[~train][pick].astype(int).tolist(), 'inputs': xte.tolist(), 'labels': yte.tolist()}
    for t in STEPS[:2]:
        _, logits, raster = evaluate(model, xte, yte, t)
        fixture['steps'][str(t)] = {'raster': raster.numpy().astype(int).tolist(), 'output': logits.numpy().tolist(),
                                    'layerSpikes': model.layer_spike_counts.numpy().astype(int).tolist()}
    with open(os.path.join(FIXTURE_DIR, 'fixture.json'), 'w') as f:
        json.dump(fixture, f)


def load_weights(path: str) -> DigitsSnn:
    """The inverse of export(): a weights file back into the torch model (SNN_FIXTURE_ONLY)."""
    with open(path, 'rb') as f:
        blob = f.read()
    size = struct.unpack('<I', blob[8:12])[0]
    header, data = json.loads(blob[12:12 + size]), np.frombuffer(blob[12 + size:], dtype='<f4')
    model = DigitsSnn(hidden=tuple(layer['outputs'] for layer in header['layers']), beta=header['layers'][0]['neuron']['beta'])
    with torch.no_grad():
        for fc, spec in zip(list(model.layers) + [model.readout], header['layers'] + [header['readout']]):
            for param, ref in ((fc.weight, spec['weights']), (fc.bias, spec['bias'])):
                param.copy_(torch.from_numpy(data[ref['offset']:ref['offset'] + ref['length']].copy()).view(param.shape))
    return model.eval()


def fixture_only():
    """SNN_FIXTURE_ONLY=1: rewrite the parity fixtures from the committed model.snn, without training."""
    images, labels, train = load_split()
    write_fixture(load_weights(os.path.join(MODEL_DIR, 'model.snn')), images, unit_scale(images), labels, train)


if __name__ == '__main__':
    fixture_only() if os.environ.get('SNN_FIXTURE_ONLY') == '1' else main()
