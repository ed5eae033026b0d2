// Bundles the CLI so that `npx ecr-warden` starts in milliseconds: no TypeScript compiler at run
// time, no module resolution across hundreds of files. `npm ci` runs this through the `prepare`
// script.
//
// ES modules split into chunks (dist/cli.mjs and the chunks it imports): each command's module is
// imported when the command runs (cli/main.ts), and with splitting only then is its code read and
// compiled. One CommonJS file held every command's dependencies (the AWS SDK clients, zod, yaml:
// 2.2 MB), and compiling it took 70-90 ms of every run, `lifecycle preview` included.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const result = await build({
  entryPoints: { cli: 'cli/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // ES module builds first: jsonc-parser's UMD build loads its parts with a dynamic require that
  // a bundle cannot follow.
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies call require() (node built-ins) and some read __dirname: give
  // every chunk what a CommonJS module has, with the values it had in the one-file bundle (the
  // chunks sit in dist/ as that file did).
  banner: {
    js: [
      "import { createRequire as __ecrWardenCreateRequire } from 'node:module';",
      "import { dirname as __ecrWardenDirname } from 'node:path';",
      "import { fileURLToPath as __ecrWardenFileURLToPath } from 'node:url';",
      'const require = __ecrWardenCreateRequire(import.meta.url);',
      'const __filename = __ecrWardenFileURLToPath(import.meta.url);',
      'const __dirname = __ecrWardenDirname(__filename);',
    ].join(''),
  },
  minify: true,
  sourcemap: true,
  // dist/cli.meta.json: every input of the bundle, for the test that no test double is shipped
  // (test/unit/packaging/shipped-imports.test.ts).
  metafile: true,
  write: false,
  logLevel: 'warning',
});

// Test files build the CLI in parallel workers while others run it: a file is replaced by a
// rename (never truncated in place), and only when its content changed.
mkdirSync('dist', { recursive: true });
const outputs = [
  ...result.outputFiles,
  {
    path: join(process.cwd(), 'dist', 'cli.meta.json'),
    contents: Buffer.from(JSON.stringify(result.metafile)),
  },
];
for (const file of outputs) {
  let current;
  try {
    current = readFileSync(file.path);
  } catch {
    current = undefined;
  }
  if (current?.equals(file.contents)) continue;
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}

// Chunks of earlier builds (their names carry a content hash) and the former one-file bundle, which
// would otherwise still run old code when started directly.
const current = new Set(result.outputFiles.map((file) => basename(file.path)));
for (const name of readdirSync('dist')) {
  if (/\.mjs(\.map)?$/.test(name) && !current.has(name)) rmSync(join('dist', name), { force: true });
}
rmSync('dist/cli.js', { force: true });
rmSync('dist/cli.js.map', { force: true });
