"""snnTorch Leaky (reset_delay=True, subtract reset, spike when mem > threshold) and the runtime's
latency encoder, in plain torch with the same equations (src/services/neuromorphic/README.md)."""
import math

import numpy as np
import torch
from torch import nn


def latency_encode(x: np.ndarray, steps: int, threshold: float = 0.01) -> np.ndarray:
    """(steps, batch, width) 0/1: one spike at floor(f32((1 - x)(T - 1)) + 0.5), none for x <= threshold
    (src/kernels/snn-encode.ts, the same f32 operations)."""
    f = np.float32
    at = np.floor(((f(1) - x) * f(steps - 1)).astype(f) + f(0.5))
    spikes = np.zeros((steps,) + x.shape, dtype=np.float32)
    for t in range(steps):
        spikes[t] = ((at == t) & (x > f(threshold))).astype(np.float32)
    return spikes


class ATan(torch.autograd.Function):
    """snnTorch's default surrogate (surrogate.atan, alpha = 2): Heaviside forward (input > 0)."""

    @staticmethod
    def forward(ctx, mem_shift, alpha=2.0):
        ctx.save_for_backward(mem_shift)
        ctx.alpha = alpha
        return (mem_shift > 0).float()

    @staticmethod
    def backward(ctx, grad):
        (mem_shift,) = ctx.saved_tensors
        return ctx.alpha / 2 / (1 + (math.pi / 2 * ctx.alpha * mem_shift).pow(2)) * grad, None


class DigitsSnn(nn.Module):
    """64 inputs -> (Linear -> snn.Leaky(beta, threshold, reset_mechanism='subtract')) per hidden width ->
    readout on the last hidden layer's mean activity (spike count / T), as the runtime's readout computes
    it. Each step runs the layers in order, a layer taking the previous one's spikes of the same step
    (src/services/neuromorphic/run-cpu.ts)."""

    def __init__(self, inputs=64, hidden=(128,), classes=10, beta=0.9, threshold=1.0, dropout=0.0):
        super().__init__()
        self.dropout = dropout  # training only: a hidden neuron's spikes dropped for a whole sample
        hidden = (hidden,) if isinstance(hidden, int) else tuple(hidden)
        sizes = (inputs,) + hidden
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.readout = nn.Linear(hidden[-1], classes)
        self.beta, self.threshold = beta, threshold

    @property
    def fc1(self):
        return self.layers[0]

    def forward(self, spikes):  # spikes: (T, B, inputs)
        steps, batch = spikes.shape[0], spikes.shape[1]
        mems = [torch.zeros(batch, layer.out_features) for layer in self.layers]
        count = torch.zeros(batch, self.layers[-1].out_features)
        raster = []
        masks = [self._mask(batch, layer.out_features) for layer in self.layers]
        self.layer_spike_counts = torch.zeros(len(self.layers), batch)  # per layer and sample (parity fixtures)
        for t in range(steps):
            x = spikes[t]
            for i, layer in enumerate(self.layers):
                mem = mems[i]
                reset = (mem - self.threshold > 0).float().detach()  # reset_delay=True: last step's spike
                mems[i] = mem = self.beta * mem + layer(x) - reset * self.threshold
                x = ATan.apply(mem - self.threshold)
                self.layer_spike_counts[i] += x.detach().sum(1)
                if masks[i] is not None:
                    x = x * masks[i]  # what the next layer and the readout see; the neuron itself still resets
                if i == len(self.layers) - 1:
                    raster.append(x)
            count = count + x
        return self.readout(count / steps), torch.stack(raster)

    def _mask(self, batch, width):
        """Inverted dropout, one draw per (sample, neuron) held for all steps; None when evaluating."""
        if not self.training or self.dropout <= 0:
            return None
        return (torch.rand(batch, width) >= self.dropout).float() / (1 - self.dropout)
