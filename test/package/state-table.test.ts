import {
  STATE_TABLE_ATTRIBUTE_DEFINITIONS,
  STATE_TABLE_KEY_SCHEMA,
  stateTableProtection,
  TIME_TO_LIVE_ATTRIBUTE,
} from '../../shared/state/table-definition';
import { byType, packagedStack, propertiesOfResource } from './packaged-stack';

const STATE_TABLE_ID = 'StateTable';
const { template, resources, service, stage } = packagedStack();

describe('DynamoDB tables', () => {
  const tables = byType('AWS::DynamoDB::Table');
  /** The tables that break a rule; never vacuous: fails when the template has no table at all. */
  const without = (predicate: (props: Record<string, unknown>) => boolean) => {
    expect(tables).not.toHaveLength(0);
    return tables.filter(([, table]) => !predicate(table.Properties ?? {})).map(([id]) => id);
  };

  it('exist', () => {
    expect(tables).not.toHaveLength(0);
  });

  it('are billed on demand (PAY_PER_REQUEST)', () => {
    expect(without((props) => props.BillingMode === 'PAY_PER_REQUEST')).toEqual([]);
  });

  it('are encrypted with KMS (SSESpecification.SSEEnabled)', () => {
    expect(
      without((props) => (props.SSESpecification as { SSEEnabled?: unknown })?.SSEEnabled === true),
    ).toEqual([]);
  });

  it('have point-in-time recovery on', () => {
    expect(
      without(
        (props) =>
          (props.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: unknown })
            ?.PointInTimeRecoveryEnabled === true,
      ),
    ).toEqual([]);
  });
});

// Built from shared/state/table-definition.ts, protected as that module says.
describe('the state table', () => {
  const table = resources[STATE_TABLE_ID];
  const props = propertiesOfResource(STATE_TABLE_ID);

  it(`is the AWS::DynamoDB::Table ${STATE_TABLE_ID}`, () => {
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
  });

  it(`is named ${service}-${stage}-state`, () => {
    expect(props.TableName).toBe(`${service}-${stage}-state`);
  });

  it('has the key schema of shared/state/table-definition.ts', () => {
    expect(props.KeySchema).toEqual(STATE_TABLE_KEY_SCHEMA);
  });

  it('has the attribute definitions of shared/state/table-definition.ts', () => {
    expect(props.AttributeDefinitions).toEqual(STATE_TABLE_ATTRIBUTE_DEFINITIONS);
  });

  it(`expires items by their ${TIME_TO_LIVE_ATTRIBUTE} attribute (TTL)`, () => {
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TIME_TO_LIVE_ATTRIBUTE, Enabled: true });
  });

  it(`is protected as stateTableProtection('${stage}') says`, () => {
    const protection = stateTableProtection(stage);
    expect({
      DeletionPolicy: table?.DeletionPolicy,
      UpdateReplacePolicy: table?.UpdateReplacePolicy,
      DeletionProtectionEnabled: props.DeletionProtectionEnabled,
    }).toEqual({
      DeletionPolicy: protection.deletionPolicy,
      UpdateReplacePolicy: protection.deletionPolicy,
      DeletionProtectionEnabled: protection.deletionProtectionEnabled,
    });
  });

  it('is retained and protected from deletion in the prod stage', () => {
    expect(stateTableProtection('prod')).toEqual({
      deletionPolicy: 'Retain',
      deletionProtectionEnabled: true,
    });
  });

  it('is named in the stack output StateTableName', () => {
    expect(template.Outputs?.StateTableName?.Value).toEqual({ Ref: STATE_TABLE_ID });
  });
});
