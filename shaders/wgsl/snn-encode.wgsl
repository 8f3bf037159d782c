// uses: dispatch, constants, snn-counters, pcg, snn-rng
// Spike encoders (one time step): rate (Bernoulli of clamp(x·gain + offset, 0, 1)), Poisson
// (rand < dt·f_max·x), latency (one spike at round((1 − x)·(T − 1)), none at or below the threshold)
// and direct current (x·gain every step); a recorded input (T × count values, snnTorch's time-first layout)
// feeds its slice of the current step as it is: a current (4) or a 0/1 spike train (5). Randomness from snnUniform(seed, step, row, column).
// Each input's spikes are tallied in inputCounts; snn-count turns the tallies into counters at the end
// (no workgroup barriers per step: SwiftShader runs them as costly fiber switches).
override WORKGROUP_SIZE: u32 = 256u;
override ENCODING: u32 = 0u; // one of SNN_ENCODING_*

struct Params {
  count: u32,
  width: u32,
  seed: u32,
  timeSteps: u32,
  gain: f32,
  offset: f32,
  poissonScale: f32,
  latencyThreshold: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> encoded: array<f32>;
@group(0) @binding(3) var<storage, read_write> counters: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> inputCounts: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = folded_index(wid, nwg, lid, WORKGROUP_SIZE);
  if (i >= params.count) {
    return;
  }
  let step = atomicLoad(&counters[SNN_COUNTER_CLOCK]);
  {
    let recorded = ENCODING == SNN_ENCODING_RECORDED_CURRENT || ENCODING == SNN_ENCODING_RECORDED_SPIKES;
    let x = input[select(i, step * params.count + i, recorded)];
    let row = i / params.width;
    let col = i % params.width;
    var value = 0.0;
    switch ENCODING {
      case SNN_ENCODING_RATE: {
        let p = clamp(x * params.gain + params.offset, 0.0, 1.0);
        value = select(0.0, 1.0, snnUniform(params.seed, step, row, col) < p);
      }
      case SNN_ENCODING_POISSON: {
        value = select(0.0, 1.0, snnUniform(params.seed, step, row, col) < params.poissonScale * x);
      }
      case SNN_ENCODING_LATENCY: {
        let at = u32(floor((1.0 - x) * f32(params.timeSteps - 1u) + 0.5));
        value = select(0.0, 1.0, x > params.latencyThreshold && at == step);
      }
      case SNN_ENCODING_RECORDED_CURRENT, SNN_ENCODING_RECORDED_SPIKES: {
        value = x;
      }
      default: {
        value = x * params.gain;
      }
    }
    encoded[i] = value;
    if (ENCODING != SNN_ENCODING_DIRECT && ENCODING != SNN_ENCODING_RECORDED_CURRENT && value != 0.0) {
      inputCounts[i] = inputCounts[i] + 1.0;
    }
  }
}
