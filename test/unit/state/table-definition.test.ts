import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  STATE_TABLE_ATTRIBUTE_DEFINITIONS,
  STATE_TABLE_KEY_SCHEMA,
  stateTableProtection,
  TIME_TO_LIVE_ATTRIBUTE,
} from '../../../shared/state/table-definition';

/**
 * What deploy/resolve-variables.cjs, the variable source of serverless.yml, returns as the StateTable's
 * definition for a stage. Run in plain Node, as osls runs it: tsx cannot load TypeScript inside jest's
 * module system.
 */
function resolveStateTableAsOslsDoes(stage: string): unknown {
  const stack = JSON.stringify({
    service: 'ecr-warden',
    stage,
    alarmDefaults: { lambda: {}, queueDepth: {} },
  });
  const script = `process.stdout.write(JSON.stringify(require(${JSON.stringify(RESOLVER)}).resolveVariables(${stack}).stateTable))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
const RESOLVER = join(__dirname, '..', '..', '..', 'deploy', 'resolve-variables.cjs');

describe('state table definition', () => {
  it('keys every item by a string pk and a string sk', () => {
    expect(STATE_TABLE_KEY_SCHEMA).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(STATE_TABLE_ATTRIBUTE_DEFINITIONS).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
  });

  it('declares exactly the attributes that the key schema uses, as DynamoDB requires', () => {
    const keyAttributes = STATE_TABLE_KEY_SCHEMA.map((element) => element.AttributeName).sort();
    const declared = STATE_TABLE_ATTRIBUTE_DEFINITIONS.map((attribute) => attribute.AttributeName).sort();

    expect(declared).toEqual(keyAttributes);
  });

  it('retains and protects the production table only', () => {
    expect(stateTableProtection('prod')).toEqual({
      deletionPolicy: 'Retain',
      deletionProtectionEnabled: true,
    });
    expect(stateTableProtection('production')).toEqual({
      deletionPolicy: 'Retain',
      deletionProtectionEnabled: true,
    });
    expect(stateTableProtection('dev')).toEqual({
      deletionPolicy: 'Delete',
      deletionProtectionEnabled: false,
    });
  });

  it('hands serverless.yml the same definition the code uses', () => {
    const resolved = resolveStateTableAsOslsDoes('prod');

    expect(resolved).toEqual({
      keySchema: STATE_TABLE_KEY_SCHEMA,
      attributeDefinitions: STATE_TABLE_ATTRIBUTE_DEFINITIONS,
      billingMode: 'PAY_PER_REQUEST',
      timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
      deletionPolicy: 'Retain',
      deletionProtectionEnabled: true,
    });
  });
});
