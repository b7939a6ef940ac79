/**
 * The dashboard's build: web/ → dist/web, served by `attain serve` at /.
 * Each page is a chunk of its own (React.lazy in App.tsx), the chart library
 * another; every text file is also written compressed beside itself
 * (name.br, name.gz) for the server to send to browsers that take it
 * (@fastify/static's preCompressed). `vite` alone (npm run web:dev) serves
 * it with hot reload, sending /api and /healthz to a server started with
 * `attain serve --port 3000`.
 */
import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

/** Files smaller than this are sent as they are: compressing them gains nothing. */
const SMALLEST = 1024;

/** name.br and name.gz beside every text file of the build, when smaller. */
function precompress(): Plugin {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return {
    name: 'attain-precompress',
    apply: 'build',
    closeBundle() {
      for (const path of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(path)) continue;
        const content = readFileSync(path);
        if (content.length < SMALLEST) continue;
        const br = brotliCompressSync(content, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
        });
        const gz = gzipSync(content, { level: 9 });
        if (br.length < content.length) writeFileSync(`${path}.br`, br);
        if (gz.length < content.length) writeFileSync(`${path}.gz`, gz);
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' },
  },
  logLevel: 'warn',
});
