import { LnnModelFormatError } from './errors';
import { CFC_MODES, LNN_ACTIVATIONS, type CfcMode, type LnnActivation } from '../../kernels/lnn-model';

/**
 * ncps's constructor arguments and their defaults (`ncps/torch/cfc.py`, `ltc.py`): what a config that
 * leaves a key out means. A key ncps does not define is an error naming it, not a silent default.
 */
export const NCPS_CFC_DEFAULTS = {
  proj_size: null,
  return_sequences: true,
  batch_first: true,
  mixed_memory: false,
  mode: 'default',
  activation: 'lecun_tanh',
  backbone_units: 128,
  backbone_layers: 1,
  backbone_dropout: 0.0,
} as const;

export const NCPS_LTC_DEFAULTS = {
  return_sequences: true,
  batch_first: true,
  mixed_memory: false,
  input_mapping: 'affine',
  output_mapping: 'affine',
  ode_unfolds: 6,
  epsilon: 1e-8,
  implicit_param_constraints: true,
} as const;

/** ncps CfCCell's backbone_activation values (gelu: torch's exact erf form). */
export const NCPS_ACTIVATIONS = ['silu', 'relu', 'tanh', 'gelu', 'lecun_tanh'] as const;

const ACCEPTED = {
  // CfC(input_size, units, ...); `backbone_activation` is CfCCell's name for CfC's `activation`.
  cfc: ['input_size', 'units', 'backbone_activation', ...Object.keys(NCPS_CFC_DEFAULTS)],
  // CfC(input_size, wiring, ...): ncps refuses backbone_* in wired mode and ignores `activation`.
  'wired-cfc': ['input_size', 'units', 'wiring', 'proj_size', 'return_sequences', 'batch_first', 'mixed_memory', 'mode', 'activation'],
  // LTC(input_size, units: int | Wiring, ...); `wiring` is this format's name for a wiring's get_config().
  ltc: ['input_size', 'units', 'wiring', ...Object.keys(NCPS_LTC_DEFAULTS)],
} as const;

export type NcpsModelKind = keyof typeof ACCEPTED;

/** Rejects keys ncps's constructor does not take and options this runtime does not implement. */
export function checkNcpsConfig(kind: NcpsModelKind, config: Record<string, unknown>): void {
  for (const key of Object.keys(config)) {
    if (!(ACCEPTED[kind] as readonly string[]).includes(key)) {
      if (kind === 'wired-cfc' && key.startsWith('backbone_')) throw new LnnModelFormatError(`config.${key} is set on a wired CfC`, `ncps raises "Cannot use ${key} in wired mode": remove it`);
      throw new LnnModelFormatError(`config has an unknown key '${key}'`, `ncps's ${kind} takes: ${ACCEPTED[kind].join(', ')}`);
    }
  }
  if (config.mixed_memory != null && config.mixed_memory !== false) {
    throw new LnnModelFormatError(`config.mixed_memory is ${JSON.stringify(config.mixed_memory)}`, 'the mixed-memory LSTM cell is not implemented here: export a model trained with mixed_memory=False');
  }
  for (const key of ['return_sequences', 'batch_first', 'implicit_param_constraints']) {
    if (config[key] != null && typeof config[key] !== 'boolean') throw new LnnModelFormatError(`config.${key} is ${JSON.stringify(config[key])}`, `${key} is true or false`);
  }
  if (config.backbone_dropout != null) {
    const p = config.backbone_dropout;
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new LnnModelFormatError(`config.backbone_dropout is ${JSON.stringify(p)}`, 'backbone_dropout is a rate in [0, 1) (an identity at inference)');
  }
}

export function ncpsMode(v: unknown): CfcMode {
  const mode = (v ?? NCPS_CFC_DEFAULTS.mode) as CfcMode;
  if (!CFC_MODES.includes(mode)) throw new LnnModelFormatError(`config.mode is ${String(v)}`, `mode is one of ${CFC_MODES.join(', ')}`);
  return mode;
}

/** CfC's `activation` or CfCCell's `backbone_activation` (the same argument), default lecun_tanh. */
export function ncpsActivation(config: Record<string, unknown>): LnnActivation {
  const a = config.activation;
  const b = config.backbone_activation;
  if (a != null && b != null && a !== b) throw new LnnModelFormatError(`config.activation is ${JSON.stringify(a)} but backbone_activation is ${JSON.stringify(b)}`, 'they name the same argument: give one');
  const value = (a ?? b ?? NCPS_CFC_DEFAULTS.activation) as string;
  if (!(NCPS_ACTIVATIONS as readonly string[]).includes(value)) throw new LnnModelFormatError(`backbone activation is ${JSON.stringify(value)}`, `ncps accepts ${NCPS_ACTIVATIONS.join(', ')}`);
  if (!(LNN_ACTIVATIONS as readonly string[]).includes(value)) throw new LnnModelFormatError(`backbone activation ${value} is not implemented here`, `use one of ${LNN_ACTIVATIONS.join(', ')}`);
  return value as LnnActivation;
}

/** A whole number from the config, or ncps's default when the key is left out (or None). */
export function ncpsInt(config: Record<string, unknown>, key: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new LnnModelFormatError(`config.${key} is ${String(v)}`, `${key} must be a whole number`);
  return v;
}
