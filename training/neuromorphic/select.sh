#!/bin/sh
# Validation runs: each line of the file given ("name VAR=value ...") trains train.py with those overrides,
# SNN_FIT=fit (hash buckets 0-6) into /tmp/snn-select/<name>, two runs at a time, one torch thread each,
# and prints "name [overrides] <train.py's final line>". The test split is never touched here.
# Run: nice -n 19 sh training/neuromorphic/select.sh runs.txt >> training/neuromorphic/selection-runs.txt
dir=$(dirname "$0")
grep -v '^#' "$1" | grep . | xargs -P 2 -L 1 sh -c '
  name=$0; out=/tmp/snn-select/$name; mkdir -p "$out"
  line=$(env SNN_FIT=fit SNN_THREADS=1 SNN_OUT="$out" "$@" /usr/bin/python3 '"$dir"'/train.py 2>&1 | tee "$out/log.txt" | tail -n 1)
  echo "$name [$*] $line"'
