import { describe, expect, it } from 'vitest';
import { autoNcpShape, autoNcpWiring, fullyConnectedWiring, wiringFromConfig, wiringToConfig } from '../../../src/services/lnn/wirings';
import { type LnnWiring } from '../../../src/kernels/lnn-model';
import { LnnModelFormatError } from '../../../src/services/lnn/errors';
import { InvalidInputError } from '../../../src/errors';

const count = (m: Int8Array, rows: number, cols: number, pick: (r: number, c: number) => boolean) => {
  let n = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (pick(r, c) && m[r * cols + c] !== 0) n++;
  return n;
};

describe('AutoNCP follows ncps wirings.py rules', () => {
  it('derives neuron counts and fan-outs as ncps does', () => {
    // ncps AutoNCP(16, 4): 12 inter+command → command = int(0.4·12) = 4, inter = 8; density 0.5.
    expect(autoNcpShape(16, 4)).toEqual({ inter: 8, command: 4, motor: 4, sensoryFanout: 4, interFanout: 2, recurrentCommandSynapses: 4, motorFanin: 2 });
    expect(autoNcpShape(32, 8, 0.75)).toEqual({ inter: 15, command: 9, motor: 8, sensoryFanout: 3, interFanout: 2, recurrentCommandSynapses: 4, motorFanin: 2 });
  });

  it('rejects what ncps rejects', () => {
    expect(() => autoNcpShape(10, 8)).toThrow(InvalidInputError);
    expect(() => autoNcpShape(16, 4, 0.05)).toThrow(InvalidInputError);
  });

  const w: LnnWiring = autoNcpWiring(16, 4, 3, { seed: 5 });
  const s = autoNcpShape(16, 4);
  const [inter, command, motor] = w.layers;

  it('orders neurons motor, command, inter and lists layers inter → command → motor', () => {
    expect(motor).toEqual([0, 1, 2, 3]);
    expect(command).toEqual([4, 5, 6, 7]);
    expect(inter).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('each sensory neuron reaches exactly sensory_fanout inter neurons, and only inter neurons', () => {
    for (let src = 0; src < 3; src++) {
      const targets = [...Array(16).keys()].filter((d) => w.sensoryAdjacency[src * 16 + d] !== 0);
      expect(targets.every((d) => inter.includes(d))).toBe(true);
      expect(targets.length).toBeGreaterThanOrEqual(s.sensoryFanout);
    }
    // every inter neuron has an input (the fix-up for unreachable inter neurons)
    for (const d of inter) expect(count(w.sensoryAdjacency, 3, 16, (_, c) => c === d)).toBeGreaterThan(0);
  });

  it('each motor neuron receives exactly motor_fanin command synapses; every command neuron is reached and reaches a motor', () => {
    for (const m of motor) expect(command.filter((c) => w.adjacency[c * 16 + m] !== 0).length).toBe(s.motorFanin);
    for (const c of command) {
      expect(inter.some((i) => w.adjacency[i * 16 + c] !== 0)).toBe(true);
      expect(motor.some((m) => w.adjacency[c * 16 + m] !== 0)).toBe(true);
    }
    for (const i of inter) expect(command.filter((c) => w.adjacency[i * 16 + c] !== 0).length).toBeGreaterThanOrEqual(s.interFanout);
  });

  it('only feed-forward layer links and command recurrence exist; polarities are ±1', () => {
    for (let src = 0; src < 16; src++) {
      for (let dest = 0; dest < 16; dest++) {
        const v = w.adjacency[src * 16 + dest];
        if (v === 0) continue;
        expect([-1, 1]).toContain(v);
        const ok = (inter.includes(src) && command.includes(dest)) || (command.includes(src) && (command.includes(dest) || motor.includes(dest)));
        expect(ok).toBe(true);
      }
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(autoNcpWiring(16, 4, 3, { seed: 5 }).adjacency).toEqual(w.adjacency);
    expect(autoNcpWiring(16, 4, 3, { seed: 6 }).adjacency).not.toEqual(w.adjacency);
  });
});

describe('FullyConnected and explicit wirings', () => {
  it('FullyConnected connects every pair with polarity from [−1, +1, +1]', () => {
    const fc = fullyConnectedWiring(30, 4, { seed: 1 });
    expect(fc.adjacency.every((v) => v === 1 || v === -1)).toBe(true);
    expect(fc.sensoryAdjacency.every((v) => v === 1 || v === -1)).toBe(true);
    const excitatory = fc.adjacency.filter((v) => v === 1).length / fc.adjacency.length;
    expect(excitatory).toBeGreaterThan(0.55);
    expect(excitatory).toBeLessThan(0.78);
    const noSelf = fullyConnectedWiring(5, 1, { selfConnections: false });
    for (let i = 0; i < 5; i++) expect(noSelf.adjacency[i * 5 + i]).toBe(0);
  });

  it('round-trips through ncps get_config() JSON, keeping NCP layers', () => {
    const w = autoNcpWiring(12, 3, 2, { seed: 9 });
    const back = wiringFromConfig(JSON.parse(JSON.stringify(wiringToConfig(w))));
    expect(back.adjacency).toEqual(w.adjacency);
    expect(back.sensoryAdjacency).toEqual(w.sensoryAdjacency);
    expect(back.layers).toEqual(w.layers);
    expect(back.outputDim).toBe(3);
  });

  it('rejects malformed adjacency files with a typed error', () => {
    expect(() => wiringFromConfig({ units: 2, adjacency_matrix: [[0, 2], [0, 0]], sensory_adjacency_matrix: [[1, 1]] })).toThrow(LnnModelFormatError);
    expect(() => wiringFromConfig({ units: 2, adjacency_matrix: [[0]], sensory_adjacency_matrix: [[1, 1]] })).toThrow(LnnModelFormatError);
    expect(() => wiringFromConfig('nope')).toThrow(LnnModelFormatError);
  });
});
