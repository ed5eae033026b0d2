// What ships (the CLI and the Lambda functions, and the shared code both bundle) imports no test double:
// no file under cli/, functions/ or shared/ imports local/ (the simulator, the demo) or a devDependency,
// and the CLI's bundle holds none of them. Imports are read with the TypeScript parser, dynamic import()
// and require() included.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import { buildCli, ROOT } from '../../support/cli';

const SHIPPED = ['cli', 'functions', 'shared'];
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const BUILTINS = new Set(builtinModules);

interface FoundImport {
  file: string;
  specifier: string;
  /** `import type` / `export type`: erased at build time. */
  typeOnly: boolean;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string, text: string): FoundImport[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: FoundImport[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({
        file,
        specifier: node.moduleSpecifier.text,
        typeOnly: node.importClause?.isTypeOnly === true,
      });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ file, specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) found.push({ file, specifier: literal.text, typeOnly: true });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) {
        found.push({ file, specifier: argument.text, typeOnly: false });
      } else {
        found.push({ file, specifier: `<computed: ${argument?.getText() ?? ''}>`, typeOnly: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `@aws-sdk/client-ecr/dist` → `@aws-sdk/client-ecr`; `yaml` → `yaml`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Why an import may not ship, or undefined when it may. */
function problemWith(found: FoundImport): string | undefined {
  const { specifier } = found;
  if (specifier.startsWith('<computed')) return 'a computed module name cannot be checked';
  if (specifier.startsWith('.')) {
    const target = relative(ROOT, resolve(ROOT, dirname(found.file), specifier));
    const top = target.split(/[\\/]/)[0] ?? '';
    if (target.startsWith('..')) return `reaches outside the repository (${target})`;
    // Data files the bundles embed (ecr-warden.yml, JSON) are not code.
    if (SHIPPED.includes(top) || /\.(ya?ml|json)$/.test(target)) return undefined;
    return `imports ${target}, which is not shipped code`;
  }
  const name = specifier.startsWith('node:') ? specifier : packageName(specifier);
  if (specifier.startsWith('node:') || BUILTINS.has(name)) return undefined;
  if (name in manifest.dependencies) return undefined;
  // Types only, from a @types devDependency (e.g. `import type { SQSEvent } from 'aws-lambda'`): erased.
  if (found.typeOnly && `@types/${name.replace(/^@(.*)\//, '$1__')}` in manifest.devDependencies)
    return undefined;
  if (name in manifest.devDependencies) return `imports the devDependency ${name}`;
  return `imports ${name}, which is not a dependency`;
}

describe('shipped code', () => {
  const files = SHIPPED.flatMap(sourceFiles);
  const imports = files.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')));

  it('is read in full: every shipped folder has files, and the parser finds their imports', () => {
    for (const directory of SHIPPED)
      expect(files.some((file) => file.startsWith(`${directory}/`))).toBe(true);
    expect(imports.filter((found) => found.file === 'cli/repositories-command.ts').length).toBeGreaterThan(5);
  });

  it('imports nothing from local/ and no devDependency (dynamic imports and require included)', () => {
    const problems = imports.flatMap((found) => {
      const problem = problemWith(found);
      return problem === undefined ? [] : [`${found.file}: '${found.specifier}' ${problem}`];
    });

    expect(problems).toEqual([]);
  });

  it('would be caught importing the simulator, a test double or a computed module name', () => {
    const planted = importsOf(
      'cli/planted.ts',
      [
        "import { createRegistrySimulator } from '../local/registry-sim';",
        "import { mockClient } from 'aws-sdk-client-mock';",
        "const sim = await import('../local/registry-sim/simulator');",
        "const sinon = require('sinon');",
        'const any = await import(name);',
      ].join('\n'),
    );

    expect(planted.map(problemWith)).toEqual([
      'imports local/registry-sim, which is not shipped code',
      'imports the devDependency aws-sdk-client-mock',
      'imports local/registry-sim/simulator, which is not shipped code',
      'imports sinon, which is not a dependency',
      'a computed module name cannot be checked',
    ]);
  });
});

describe('the CLI bundle (esbuild metafile)', () => {
  beforeAll(buildCli);

  it('holds no simulator, sinon or aws-sdk-client-mock, and no module of a devDependency', () => {
    const metafile = JSON.parse(readFileSync(join(ROOT, 'dist', 'cli.meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(metafile.inputs);
    const packages = new Set(
      inputs.flatMap((input) => {
        const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
        return match?.[1] === undefined ? [] : [match[1]];
      }),
    );

    expect(inputs.length).toBeGreaterThan(100);
    expect(inputs.filter((input) => input.startsWith('local/'))).toEqual([]);
    expect([...packages].filter((name) => /sinon|aws-sdk-client-mock/.test(name))).toEqual([]);
    expect([...packages].filter((name) => name in manifest.devDependencies)).toEqual([]);
  });
});
