#!/usr/bin/env bash
# The targets profile: the benchmarks and baselines the performance targets name, measured long enough to decide
# them (about 12 minutes on 2 cores; keep the machine otherwise idle). Writes benchmarks/results/targets.md, .json and
# targets-sync-cost.svg. Extra arguments go to JMH.
exec "$(dirname "${BASH_SOURCE[0]}")/run-profile.sh" targets "$@"
