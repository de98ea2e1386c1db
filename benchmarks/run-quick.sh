#!/usr/bin/env bash
# The quick benchmark profile: at most 5 minutes on 2 cores. Writes benchmarks/results/quick.md, quick.json,
# quick-sync-cost.svg and the quick section of benchmarks/README.md. Extra arguments go to JMH.
exec "$(dirname "${BASH_SOURCE[0]}")/run-profile.sh" quick "$@"
