#!/bin/sh
# bench-stitch.sh runs the stitch benchmark: five 5 s 720p clips stitched
# into a 7.5 s 60 fps film by the one-pass Stitch and by the naive
# per-frame PNG method, in one run, under /usr/bin/time -v so the peak
# resident set size (of the test binary or its largest ffmpeg child) shows.
# Usage: scripts/bench-stitch.sh [onepass|perframe-png]   (default: both)
set -eu
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/media.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./internal/media
pattern=Stitch
[ $# -gt 0 ] && pattern="Stitch/$1"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$bin" -test.run '^$' -test.bench "$pattern" -test.benchtime 1x -test.timeout 30m -test.v 2>&1 |
		grep -E '^(Benchmark|goos|cpu|    stitch_bench|ok|FAIL|--- )|Maximum resident|Elapsed \(wall'
else
	"$bin" -test.run '^$' -test.bench "$pattern" -test.benchtime 1x -test.timeout 30m -test.v
fi
