// uses: dispatch, constants
// Block top-k selection: each workgroup takes BLOCK = WORKGROUP_SIZE * MEMORY_TOPK_ITEMS_PER_THREAD scores and
// writes its k best (score, index) pairs, best first, to out[block * k ..]. Repeated passes over the
// candidates shrink them to the final k. "Better" = higher score; equal scores go to the LOWER index.
// Slots with no item carry index NO_INDEX and lose to every real item.
override WORKGROUP_SIZE: u32 = 256u;
// MEMORY_TOPK_ITEMS_PER_THREAD (prelude `constants`) is a const, not an override: private arrays need a fixed size.

const LOWEST: f32 = -3.4028234e38;

struct Params {
  count: u32,
  k: u32,
  hasIndices: u32,  // 0: index = position (first pass); 1: read indices from inIndices
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> inScores: array<f32>;
@group(0) @binding(2) var<storage, read> inIndices: array<u32>;
@group(0) @binding(3) var<storage, read_write> outScores: array<f32>;
@group(0) @binding(4) var<storage, read_write> outIndices: array<u32>;

var<workgroup> bestScore: array<f32, WORKGROUP_SIZE>;
var<workgroup> bestIndex: array<u32, WORKGROUP_SIZE>;

fn better(a: f32, ia: u32, b: f32, ib: u32) -> bool {
  if (ia == NO_INDEX) { return false; }
  if (ib == NO_INDEX) { return true; }
  return a > b || (a == b && ia < ib);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let block = folded_group(wid, nwg);
  let base = block * WORKGROUP_SIZE * MEMORY_TOPK_ITEMS_PER_THREAD;
  var vals: array<f32, MEMORY_TOPK_ITEMS_PER_THREAD>;
  var ids: array<u32, MEMORY_TOPK_ITEMS_PER_THREAD>;
  for (var j = 0u; j < MEMORY_TOPK_ITEMS_PER_THREAD; j++) {
    let pos = base + j * WORKGROUP_SIZE + lid;
    vals[j] = LOWEST;
    ids[j] = NO_INDEX;
    if (pos < params.count) {
      vals[j] = inScores[pos];
      ids[j] = select(pos, inIndices[pos], params.hasIndices == 1u);
    }
  }
  for (var r = 0u; r < params.k; r++) {
    var s = LOWEST;
    var id = NO_INDEX;
    for (var j = 0u; j < MEMORY_TOPK_ITEMS_PER_THREAD; j++) {
      if (better(vals[j], ids[j], s, id)) {
        s = vals[j];
        id = ids[j];
      }
    }
    bestScore[lid] = s;
    bestIndex[lid] = id;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride >>= 1u) {
      if (lid < stride && better(bestScore[lid + stride], bestIndex[lid + stride], bestScore[lid], bestIndex[lid])) {
        bestScore[lid] = bestScore[lid + stride];
        bestIndex[lid] = bestIndex[lid + stride];
      }
      workgroupBarrier();
    }
    let winner = bestIndex[0];
    if (lid == 0u) {
      outScores[block * params.k + r] = bestScore[0];
      outIndices[block * params.k + r] = winner;
    }
    for (var j = 0u; j < MEMORY_TOPK_ITEMS_PER_THREAD; j++) {
      if (ids[j] == winner && winner != NO_INDEX) {
        vals[j] = LOWEST;
        ids[j] = NO_INDEX;
      }
    }
    workgroupBarrier();
  }
}
