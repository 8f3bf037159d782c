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
    """64 inputs -> Linear -> snn.Leaky(beta, threshold, reset_mechanism='subtract') -> readout on the
    hidden layer's mean activity (spike count / T), as the runtime's readout computes it."""

    def __init__(self, inputs=64, hidden=128, classes=10, beta=0.9, threshold=1.0):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.readout = nn.Linear(hidden, classes)
        self.beta, self.threshold = beta, threshold

    def forward(self, spikes):  # spikes: (T, B, inputs)
        steps = spikes.shape[0]
        mem = torch.zeros(spikes.shape[1], self.fc1.out_features)
        count = torch.zeros_like(mem)
        raster = []
        for t in range(steps):
            current = self.fc1(spikes[t])
            reset = (mem - self.threshold > 0).float().detach()  # reset_delay=True: last step's spike
            mem = self.beta * mem + current - reset * self.threshold
            spk = ATan.apply(mem - self.threshold)
            count = count + spk
            raster.append(spk)
        return self.readout(count / steps), torch.stack(raster)
