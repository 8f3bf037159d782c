#!/usr/bin/env bash
# AURA's Node bench on Dawn, from the package that `npm run bench:gpu-package` made.
# Run it from a checkout of the AURA repository (the models and fixtures are read from there):
#   aura-gpu-bench/run.sh                      every suite (but the peer) at --size full
#   aura-gpu-bench/run.sh --size small --only language,gating
# It unpacks the xz-compressed files once, uses the machine's Vulkan loader (or the packed one), points
# Dawn at NVIDIA's Vulkan driver where one is installed, and prints the adapter before the figures.
# With $OUT set (the device machine), the log and the results JSON are copied there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

unxz_file() {
  if command -v xz >/dev/null; then xz -dc "$1" > "${1%.xz}.part"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "${1%.xz}.part"; fi
  mv "${1%.xz}.part" "${1%.xz}"
}
while IFS= read -r -d '' f; do [ -f "${f%.xz}" ] || unxz_file "$f"; done < <(find "$here" -name '*.xz' -print0)
chmod +x "$here/bin/node"

[ -d public/models ] || { echo "run this from a checkout of the AURA repository (no public/models in $(pwd))" >&2; exit 1; }

# The Vulkan loader: the machine's, else the packed one.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "Vulkan loader: packed ($here/lib/libvulkan.so.1)"
fi
# NVIDIA's Vulkan driver (ICD) where one is installed; its libraries where they live outside ldconfig.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
  done
fi
for dir in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$dir" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$dir"
done
echo "Vulkan driver: ${VK_DRIVER_FILES:-none named (AURA picks SwiftShader where it finds no GPU device)}"
command -v nvidia-smi >/dev/null && nvidia-smi -L || true
[ -e /dev/nvidia0 ] && [ -z "${VK_DRIVER_FILES:-}" ] && echo "warning: /dev/nvidia0 exists but no nvidia_icd.json was found; set VK_DRIVER_FILES" >&2

args=("$@")
[[ " $* " == *" --size "* ]] || args=(--size full "${args[@]}")
log=$(mktemp)
set +e
"$here/bin/node" "$here/bench.mjs" "${args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then
  cp "$log" "$OUT/gpu-bench.log"
  latest=$(ls -t bench/results/gpu-*.json 2>/dev/null | head -1 || true)
  [ -n "$latest" ] && cp "$latest" "$OUT/gpu-bench.json"
fi
rm -f "$log"
exit "$status"
