# The two commands: `make demo` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup build demo test test-rust test-wasm test-js clean

setup:
	@bash scripts/setup.sh

build: setup
	@bash scripts/build.sh

demo: build
	@node scripts/demo.mjs

test: build test-rust test-wasm test-js

test-rust:
	cargo test

test-wasm:
	@bash scripts/test-wasm.sh

test-js:
	node --test --test-reporter=spec --test-timeout=60000 tests/mock-gpdb/ tests/package/

clean:
	rm -rf target dist .scratch
