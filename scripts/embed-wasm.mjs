// Writes the wasm as an ES module whose default export decodes its bytes, for bundled Node servers
// (an installed Node entry reads the .wasm beside it): brotli (quality 11), then base64, decoded
// with Node's zlib when called. Brotli is the smallest of what Node decodes by itself (README, "Platforms":
// the sizes of each way measured).
// Usage: node scripts/embed-wasm.mjs <in.wasm> <out.mjs>
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

const [input, output] = process.argv.slice(2);
const wasm = readFileSync(input);
const packed = brotliCompressSync(wasm, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length },
});
writeFileSync(output, `// gpdb_edge_bg.wasm (${wasm.length} bytes), brotli and base64: a module, so that bundlers carry it.
// Decoded when called: node-bundled.mjs imports it (an installed entry reads the .wasm file).
export default () => process.getBuiltinModule('zlib').brotliDecompressSync(Buffer.from('${packed.toString('base64')}', 'base64'));
`);
