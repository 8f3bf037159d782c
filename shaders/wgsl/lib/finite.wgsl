// Prelude `finite`: NaN and ±Inf tested on the bits, since WGSL float arithmetic may assume there are
// none (a test such as v != v may be folded away).
const EXPONENT_BITS: u32 = 0x7f800000u;  // all ones in the exponent: NaN or ±Inf
const QUIET_NAN_BITS: u32 = 0x7fc00000u;  // a quiet NaN, made at run time with bitcast (a const NaN is an error)

fn is_not_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & EXPONENT_BITS) == EXPONENT_BITS;
}
