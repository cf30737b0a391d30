#!/bin/sh
# Training throughput of the train stage: tokens per CPU-second and peak RSS for
# the three model sizes of the GoMLX notes, with the project's DotGeneral
# gradient and with GoMLX v0.26.0's stock one, printed with their ratios.
# Each configuration runs in its own process. Stock gradients on the large
# model take minutes per step; pass -skip-stock-large=false to include them.
set -e
cd "$(dirname "$0")/../.."
go build -o /tmp/bench-train ./bench/train
exec /tmp/bench-train "$@"
