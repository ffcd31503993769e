# The two commands: `make demo` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: setup build demo console bench test test-rust test-wasm test-fuzz test-types test-js test-bench fuzz clean

setup:
	@bash scripts/setup.sh

build: setup
	@bash scripts/build.sh

demo: build
	@node scripts/demo.mjs

# The browser console behind its Worker proxy, in local workerd, with the local gpdb endpoint.
# PORT=8790 for another port; SLOW_MS=3000 delays every answer of the endpoint by 3 s, to try Abort.
console: build
	@node scripts/console.mjs

test: build test-rust test-wasm test-fuzz test-types test-js test-bench

# clippy.toml's disallowed methods (substring.rs's size rule) are errors, in the wasm build too.
test-rust:
	cargo test
	cargo clippy --lib --target wasm32-unknown-unknown -- -D clippy::disallowed_methods

test-wasm:
	@bash scripts/test-wasm.sh

# Side by side with the official signer and client; prints the README's Performance table.
bench: build
	@node bench/run.mjs

# One iteration of every measurement, no timing assertions: keeps the bench from rotting.
test-bench:
	@node bench/run.mjs --quick

test-fuzz:
	@bash scripts/fuzz.sh smoke

# Each fuzz target for FUZZ_SECONDS (default 300).
fuzz: setup
	@bash scripts/fuzz.sh long $(FUZZ_SECONDS)

# The package as TypeScript and npm's linters see it, on the packed tarball: arethetypeswrong,
# publint --strict, npm pkg fix, the TypeScript matrix (5.0, 5.7, 5.9, 7 x node16, nodenext,
# bundler), and the one list of error codes against the glue, index.d.ts and the README.
test-types:
	node --test --test-reporter=spec --test-timeout=300000 tests/types/

test-js:
	node --test --test-reporter=spec --test-timeout=180000 tests/mock-gpdb/ tests/package/ tests/reliability/ tests/www/

clean:
	rm -rf target dist .scratch fuzz/target fuzz/artifacts
