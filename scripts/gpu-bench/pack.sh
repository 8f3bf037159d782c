#!/usr/bin/env bash
# npm run bench:gpu-package: packs the Node bench for a machine with a GPU into
# .gpu-bench/aura-gpu-bench.tar (see scripts/gpu-bench/README.md). Contents, under aura-gpu-bench/:
#   run.sh                        points Dawn at NVIDIA's Vulkan driver and runs the bench (--size full)
#   bench.mjs                     the bench built for plain Node (scripts/gpu-bench/entry.ts)
#   bin/node.xz                   this machine's Node binary, xz-compressed
#   lib/libvulkan.so.1            the Vulkan loader, used where the machine has none
#   node_modules/webgpu           Dawn for linux-x64 (dawn.node.xz)
#   node_modules/onnxruntime-web  its Node build and WASM (the .wasm xz-compressed), with onnxruntime-common
# Large files are xz-compressed one by one (run.sh unpacks them once) and cached in .gpu-bench/cache
# by content, so a repack compresses only what changed. The models and fixtures are not packed: run.sh
# runs in a checkout of this repository, which has them.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=.gpu-bench
STAGE=$OUT/stage/aura-gpu-bench
CACHE=$OUT/cache
VULKAN_LOADER=${AURA_VULKAN_LOADER:-/usr/lib/x86_64-linux-gnu/libvulkan.so.1}

[ "$(uname -m)" = x86_64 ] || { echo "pack on x86-64: the GPU machine is x86-64 and the package carries this machine's binaries" >&2; exit 1; }
[ -f "$VULKAN_LOADER" ] || { echo "no Vulkan loader at $VULKAN_LOADER (apt-get install libvulkan1, or set AURA_VULKAN_LOADER)" >&2; exit 1; }

echo "building the bench for plain Node"
nice -n 19 npx vite build --config scripts/gpu-bench/vite.config.ts

rm -rf "$OUT/stage" && mkdir -p "$STAGE"/{bin,lib} "$CACHE"

# packed_xz SOURCE DEST.xz: the source xz-compressed, from the cache when its content was packed before.
packed_xz() {
  local key
  key=$(sha256sum "$1" | cut -c1-16)
  local cached="$CACHE/$(basename "$1")-$key.xz"
  if [ ! -f "$cached" ]; then
    echo "compressing $1 ($(du -h "$1" | cut -f1))"
    nice -n 19 xz -T0 -6 -c "$1" > "$cached.part" && mv "$cached.part" "$cached"
  fi
  mkdir -p "$(dirname "$2")" && cp "$cached" "$2"
}

cp scripts/gpu-bench/run.sh "$STAGE/run.sh" && chmod +x "$STAGE/run.sh"
cp .gpu-bench/build/bench.mjs "$STAGE/bench.mjs"
# Node without its debug symbols (95 → 82 MiB here), where strip exists.
node_bin=$(readlink -f "$(command -v node)")
if command -v strip >/dev/null; then strip -o "$CACHE/node" "$node_bin" && node_bin=$CACHE/node; fi
packed_xz "$node_bin" "$STAGE/bin/node.xz"
cp -L "$VULKAN_LOADER" "$STAGE/lib/libvulkan.so.1"

WG=node_modules/webgpu
mkdir -p "$STAGE/$WG/dist/linux-x64"
cp $WG/package.json $WG/index.js $WG/LICENSE.md "$STAGE/$WG/"
packed_xz $WG/dist/linux-x64/dawn.node "$STAGE/$WG/dist/linux-x64/dawn.node.xz"

ORT=node_modules/onnxruntime-web
mkdir -p "$STAGE/$ORT/dist"
cp $ORT/package.json "$STAGE/$ORT/"
cp $ORT/dist/ort.node.min.mjs $ORT/dist/ort-wasm-simd-threaded.mjs "$STAGE/$ORT/dist/"
packed_xz $ORT/dist/ort-wasm-simd-threaded.wasm "$STAGE/$ORT/dist/ort-wasm-simd-threaded.wasm.xz"
mkdir -p "$STAGE/node_modules/onnxruntime-common"
cp -r node_modules/onnxruntime-common/package.json node_modules/onnxruntime-common/dist "$STAGE/node_modules/onnxruntime-common/"
rm -rf "$STAGE/node_modules/onnxruntime-common/dist/cjs"
find "$STAGE/node_modules/onnxruntime-common" \( -name '*.map' -o -name '*.d.ts' \) -delete

{
  echo "packed $(date -u +%FT%TZ) from $(git rev-parse --short HEAD 2>/dev/null || echo '?'), node $(node --version), $(uname -m)"
  (cd "$STAGE" && find . -type f -printf '%s %p\n' | sort -k2)
} > "$STAGE/MANIFEST"

tar -cf "$OUT/aura-gpu-bench.tar" -C "$OUT/stage" aura-gpu-bench
# The device tool carries at most 64 MiB: the repository's tracked files and the package together.
bytes=$(stat -c %s "$OUT/aura-gpu-bench.tar")
repo=$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
room=$((64 * 1048576 - repo - 2 * 1048576))
echo "wrote $OUT/aura-gpu-bench.tar ($((bytes / 1048576)) MiB; tracked files $((repo / 1048576)) MiB; room left for it $((room / 1048576)) MiB)"
if [ "$bytes" -gt "$room" ]; then
  echo "the package and the repository would pass the device tool's 64 MiB carry limit (2 MiB kept spare)" >&2
  exit 1
fi
