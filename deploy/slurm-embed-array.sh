#!/bin/bash
# A Slurm job array that embeds one input in 8 shards: sbatch deploy/slurm-embed-array.sh
# Each task reads its shard from SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN and _MAX
# (contiguous arrays with step 1 only). A requeued task resumes from its part files. Each task's log is
# aavae-embed-<job>_<task>.out in the folder sbatch ran in (Slurm creates no folder for --output). Afterwards, merge:
#   sbatch --dependency=afterok:<array job id> --wrap \
#     "aavae embed merge -o embeddings.parquet out/shard-*.parquet"
#SBATCH --job-name=aavae-embed
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --requeue
#SBATCH --output=aavae-embed-%A_%a.out
set -euo pipefail
mkdir -p out
export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-2}"
aavae embed --model model.zip --input images \
  --output "out/shard-${SLURM_ARRAY_TASK_ID}.parquet" --shard auto
