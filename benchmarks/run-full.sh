#!/usr/bin/env bash
# The full benchmark profile: every parameter, 2 forks, 5 x 1 s iterations (about an hour on 2 cores). Writes
# benchmarks/results/full.md, full.json, full-sync-cost.svg and the full section of benchmarks/README.md.
# Extra arguments go to JMH.
exec "$(dirname "${BASH_SOURCE[0]}")/run-profile.sh" full "$@"
