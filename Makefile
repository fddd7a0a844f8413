# The two commands of the README: `make run` and `make test`.
.PHONY: run test build setup bench

# ARGS are passed to `shoot serve`, e.g. make run ARGS="--addr :9000".
ARGS ?=

run: setup
	go run ./cmd/shoot serve $(ARGS)

test:
	scripts/test.sh

build:
	go build -o shoot ./cmd/shoot

setup:
	scripts/setup.sh

# Cold start to the first healthy answer, and idle RSS, of a real process.
bench:
	go test ./cmd/shoot -run '^$$' -bench ServeColdStart -benchtime 20x -cpu 1
