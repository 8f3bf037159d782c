"""ncps's CfC (ncps/torch/cfc.py, cfc_cell.py; mode 'default', lecun_tanh backbone) in plain torch,
with ncps's module and parameter names so state_dict() is what ncps would save."""
import torch
from torch import nn


class LeCun(nn.Module):
    def forward(self, x):
        return 1.7159 * torch.tanh(0.666 * x)


class CfCCell(nn.Module):
    def __init__(self, input_size, hidden_size, backbone_units, backbone_layers=1):
        super().__init__()
        layers = [nn.Linear(input_size + hidden_size, backbone_units), LeCun()]
        for _ in range(1, backbone_layers):
            layers += [nn.Linear(backbone_units, backbone_units), LeCun()]
        self.backbone = nn.Sequential(*layers)
        self.ff1 = nn.Linear(backbone_units, hidden_size)
        self.ff2 = nn.Linear(backbone_units, hidden_size)
        self.time_a = nn.Linear(backbone_units, hidden_size)
        self.time_b = nn.Linear(backbone_units, hidden_size)
        for w in self.parameters():  # ncps CfCCell.init_weights
            if w.dim() == 2 and w.requires_grad:
                nn.init.xavier_uniform_(w)

    def forward(self, x, hx, ts):
        x = self.backbone(torch.cat([x, hx], 1))
        ff1, ff2 = torch.tanh(self.ff1(x)), torch.tanh(self.ff2(x))
        t_interp = torch.sigmoid(self.time_a(x) * ts + self.time_b(x))
        return ff1 * (1.0 - t_interp) + t_interp * ff2


class CfC(nn.Module):
    """ncps.torch.CfC(input_size, units, proj_size, batch_first=True, return_sequences=True)."""

    def __init__(self, input_size, units, proj_size, backbone_units, backbone_layers=1):
        super().__init__()
        self.units = units
        self.rnn_cell = CfCCell(input_size, units, backbone_units, backbone_layers)
        self.fc = nn.Linear(units, proj_size)

    def forward(self, x, hx=None):  # x: (batch, steps, features); timespans 1.0 (ncps's default)
        h = torch.zeros(x.shape[0], self.units) if hx is None else hx
        out = []
        for t in range(x.shape[1]):
            h = self.rnn_cell(x[:, t], h, 1.0)
            out.append(self.fc(h))
        return torch.stack(out, 1), h
