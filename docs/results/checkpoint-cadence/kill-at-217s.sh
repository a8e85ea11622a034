#!/usr/bin/env bash
# Checkpoint cadence at the demo's size, then a kill -9 217 s into the run (inside the epoch, between checkpoints).
#   AAVAE=/absolute/path/to/aavae bash kill-at-217s.sh DIR   (writes DIR/log.txt, DIR/kill.txt, DIR/out/)
set -u
mkdir -p "${1:-.}"
cd "${1:-.}"
"${AAVAE:-aavae}" pretrain --idx /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
  --width 0.25 --epochs 1 --batch-size 64 --checkpoint-every 1m --output out/m.zip 2>&1 |
  while IFS= read -r line; do echo "$(date +%s.%N | cut -c1-14) $line"; done > log.txt &
sleep 217
pid=$(pgrep -f "aavae pretrain" | head -1 || true)
[ -z "$pid" ] && pid=$(ps -eo pid,args | awk '/aavae.dll pretrain|aavae pretrain/ && !/awk/ {print $1; exit}')
echo "$(date +%s.%N | cut -c1-14) KILL -9 $pid" >> kill.txt
kill -9 $pid
sleep 3
ls -la out out/checkpoints 2>&1 >> kill.txt
