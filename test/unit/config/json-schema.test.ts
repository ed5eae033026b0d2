import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { buildConfigJsonSchema, CONFIG_SCHEMA_FILE } from '../../../shared/config/json-schema';
import { validateConfig } from '../../../shared/config/load-config';

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The configs of the repository, each valid for the loader: editors must not flag any of them. */
const EXAMPLE_CONFIGS = [
  'ecr-warden.yml',
  'local/demo/ecr-warden.demo.yml',
  'examples/snapshot/ecr-warden.yml',
];

// ajv and ajv-formats come with osls (a devDependency), as editors' validators do with the schema.
const validateAgainstSchema = addFormats(new Ajv({ allErrors: true })).compile(buildConfigJsonSchema());

describe('the JSON Schema of ecr-warden.yml', () => {
  it('is committed as generated from the zod schema (run `npm run config:schema` when this fails)', () => {
    const committed = JSON.parse(read(CONFIG_SCHEMA_FILE));

    expect(committed).toEqual(buildConfigJsonSchema());
  });

  it('is named by ecr-warden.yml for the YAML language server, on its first line', () => {
    const firstLine = read('ecr-warden.yml').split('\n')[0];

    expect(firstLine).toBe(`# yaml-language-server: $schema=./${CONFIG_SCHEMA_FILE}`);
  });

  it.each(EXAMPLE_CONFIGS)('accepts %s, which the loader accepts too', (path) => {
    const data = parse(read(path));

    const valid = validateAgainstSchema(data);

    expect(validateAgainstSchema.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(validateConfig(data).ok).toBe(true);
  });

  it.each([
    ['a misspelt key', { cleanup: { maxDeletionPerRepository: 5 } }],
    ['a wrong type', { cleanup: { dryRun: 'no' } }],
    ['an unknown mode', { immutability: { rules: [{ repositories: ['**'], mode: 'SOMETIMES' }] } }],
    ['a share above 1', { cleanup: { maxDeletionShare: 2 } }],
  ])('flags %s, as the loader does', (_, data) => {
    expect(validateAgainstSchema(data)).toBe(false);
    expect(validateConfig(data).ok).toBe(false);
  });
});
