#!/bin/bash
set -euo pipefail
DATA_DIR=/data/churn/raw  # flag[8] path.server-root
export MODEL_PATH=/projects/churn/model.pkl  # flag[8] path.server-root
OUT=results/scores.csv  # clean[8] path.
docker run --rm -v /srv/models:/models churn:latest  # flag[8] path.server-root
docker run --rm -v "$(pwd)/data:/data" churn:latest  # clean[8] path.
PATH=/usr/local/bin:$PATH  # clean[7] path.
cd /srv  # clean[7] path.
curl -s http://metrics-gw:9091/metrics/job/churn  # flag[11] host.internal-name
python pipeline/train.py --data "$DATA_DIR"
