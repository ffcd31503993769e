# The two commands: `make demo` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup test test-rust test-js clean

setup:
	@bash scripts/setup.sh

test: setup test-rust test-js

test-rust:
	cargo test

test-js:
	node --test --test-reporter=spec --test-timeout=60000 tests/mock-gpdb/

clean:
	rm -rf target dist .scratch
