import { SNN_E_MAC_PJ } from '../services/neuromorphic/energy';

/**
 * Energy of dense arithmetic: counted multiply-accumulates × E_MAC (45 nm, Horowitz 2014), the
 * default model of the whole runtime. The constant lives in the neuromorphic energy module.
 */
export const MAC_ENERGY_MODEL = 'horowitz-45nm';

export function macEnergyPj(macs: number): number {
  return macs * SNN_E_MAC_PJ;
}
