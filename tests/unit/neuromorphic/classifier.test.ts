import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors';
import { classifyOutputs } from '../../../src/services/neuromorphic/classifier';
import { SnnModelError } from '../../../src/services/neuromorphic/errors';
import { createFeedForwardSnn } from '../../../src/services/neuromorphic/network';
import { NeuromorphicService } from '../../../src/services/neuromorphic/service';

describe('an SNN classifier: labels, softmax answer, its own encoding and steps', () => {
  it('answers the largest output with its softmax probability, per sample', () => {
    const answers = classifyOutputs(Float32Array.from([0, Math.log(3), 0, 2, 1, 1]), ['a', 'b', 'c']);
    expect(answers[0].label).toBe('b');
    expect(answers[0].probability).toBeCloseTo(3 / 5, 6);
    expect(answers[1]).toMatchObject({ index: 0, label: 'a' });
    expect(answers[1].probability).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 2 * Math.exp(1)), 6);
  });

  it('a classifier runs with its own encoding and time steps when the request names none', async () => {
    const network = createFeedForwardSnn({ sizes: [4, 6, 3], seed: 3 });
    const snn = new NeuromorphicService(null, { backend: 'cpu', classifier: { network, labels: ['x', 'y', 'z'], encoding: { kind: 'latency' }, timeSteps: 5 } });
    const input = [0.9, 0.2, 0.6, 1];
    const own = await snn.process({ input, raster: true });
    const explicit = await snn.process({ input, timeSteps: 5, encoding: 'latency', raster: true });
    expect(own.raster!.timeSteps).toBe(5);
    expect(own.raster!.spikes).toEqual(explicit.raster!.spikes);
    expect(own.classes).toHaveLength(1);
    expect(['x', 'y', 'z']).toContain(own.classes![0].label);
  });

  it('rejects labels that do not match the outputs, and a request without steps on a plain network', async () => {
    const network = createFeedForwardSnn({ sizes: [4, 6, 3], seed: 3 });
    expect(() => new NeuromorphicService(null, { backend: 'cpu', classifier: { network, labels: ['x'], encoding: { kind: 'latency' }, timeSteps: 5 } })).toThrow(SnnModelError);
    const plain = new NeuromorphicService(null, { backend: 'cpu', network });
    await expect(plain.process({ input: [0, 0, 0, 0] })).rejects.toThrow(InvalidInputError);
    expect((await plain.process({ input: [0, 0, 0, 0], timeSteps: 2, encoding: 'rate' })).classes).toBeUndefined();
  });
});
