// The wasm memory of the instance a package makes while it loads, caught by watching
// WebAssembly.Instance: nothing test-only ships in the package. No other imports, so that the
// memory benchmark's child process loads nothing else.

/** Runs `load` and returns its value and the memory of the wasm instance it created. */
export function watchingWasmMemory(load) {
  const Instance = WebAssembly.Instance;
  let memory;
  WebAssembly.Instance = function Instance_(module, imports) {
    const instance = new Instance(module, imports);
    memory ??= instance.exports.memory;
    return instance;
  };
  try {
    return { value: load(), memory };
  } finally {
    WebAssembly.Instance = Instance;
  }
}
