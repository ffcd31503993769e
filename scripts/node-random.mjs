// Injected by build.sh into the Node glue (gpdb_edge_node.cjs) in place of
// `globalThis.crypto.getRandomValues`, from which getrandom draws the nonces' random bytes. Node
// loads its crypto module on the first crypto.getRandomValues (randomFillSync loads as much): a
// quarter of a cold start. The kernel's CSPRNG read from /dev/urandom costs three system calls
// (README, Performance). Without it (Windows) or when it fails: crypto.getRandomValues, from then on.
let fromDevUrandom = true;

export function nodeFillRandom(bytes) {
  if (fromDevUrandom) {
    let fs;
    let fd;
    try {
      // process.getBuiltinModule (Node 20.16+, Bun) first: in esbuild's ESM output `require` throws.
      fs = process.getBuiltinModule?.('fs') ?? require('fs');
      fd = fs.openSync('/dev/urandom', 'r');
      if (fs.readSync(fd, bytes) === bytes.length) return;
    } catch {
      fromDevUrandom = false;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  // Not written `globalThis.crypto.getRandomValues`: build.sh replaces that name by this function.
  const { crypto } = globalThis;
  crypto.getRandomValues(bytes);
}
