import { DEFAULT_MAX_DELETION_SHARE } from '../../shared/cleanup/plan-repository-cleanup';
import { CLEANUP_METRICS } from '../../shared/metrics/cleanup-metrics';
import { wardenConfig } from './expected-statements';
import {
  asArray,
  at,
  byType,
  getAtt,
  lambdaLogicalId,
  mappingsOf,
  propertiesOfResource,
  same,
} from './packaged-stack';

describe('queues', () => {
  const queues = byType('AWS::SQS::Queue');

  it('are all encrypted at rest', () => {
    expect(queues).not.toHaveLength(0);
    const unencrypted = queues
      .filter(([, queue]) => queue.Properties?.SqsManagedSseEnabled !== true)
      .filter(([, queue]) => queue.Properties?.KmsMasterKeyId === undefined)
      .map(([id]) => id);
    expect(unencrypted).toEqual([]);
  });

  it('send a cleanup request to CleanupDeadLetterQueue after 3 receives', () => {
    const redrive = propertiesOfResource('CleanupQueue').RedrivePolicy;
    expect(at(redrive, 'maxReceiveCount')).toBe(3);
    expect(at(redrive, 'deadLetterTargetArn')).toEqual(getAtt('CleanupDeadLetterQueue'));
  });

  // Confused-deputy protection: only an AWS service principal, for one source ARN.
  it('admit only an AWS service, for one aws:SourceArn', () => {
    const statements = byType('AWS::SQS::QueuePolicy').flatMap(([id, policy]) =>
      asArray(at(policy, 'Properties', 'PolicyDocument', 'Statement')).map((statement) => ({
        id,
        statement,
      })),
    );
    const allows = statements.filter(({ statement }) => at(statement, 'Effect') === 'Allow');
    expect(allows).not.toHaveLength(0);
    const open = allows.filter(
      ({ statement }) =>
        typeof at(statement, 'Principal', 'Service') !== 'string' ||
        at(statement, 'Condition', 'ArnEquals', 'aws:SourceArn') === undefined,
    );
    expect(open).toEqual([]);
  });
});

describe('cleanupWorker', () => {
  const mapping = mappingsOf(lambdaLogicalId('cleanupWorker'))[0];

  // Its event source mapping bounds concurrency, and so the rate of ECR API calls.
  it('reads CleanupQueue with a maximum concurrency of 2-10', () => {
    expect(mapping?.EventSourceArn).toEqual(getAtt('CleanupQueue'));
    const maximumConcurrency = at(mapping, 'ScalingConfig', 'MaximumConcurrency');
    expect(Number.isInteger(maximumConcurrency)).toBe(true);
    expect(maximumConcurrency).toBeGreaterThanOrEqual(2);
    expect(maximumConcurrency).toBeLessThanOrEqual(10);
  });

  it('alarms when a run deletes more than cleanup.maxDeletionShare of a repository', () => {
    const share = wardenConfig.cleanup.maxDeletionShare ?? DEFAULT_MAX_DELETION_SHARE;
    const alarm = propertiesOfResource('CleanupDeletionShareAlarm');
    expect(alarm.MetricName).toBe(CLEANUP_METRICS.deletionShare);
    expect(alarm.Threshold).toBe(100 * share);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(alarm.Dimensions).toEqual([
      { Name: 'service', Value: 'ecr-warden' },
      { Name: 'DryRun', Value: 'false' },
    ]);
  });

  // Its reads of index manifests would otherwise count as pulls and keep images "recently pulled".
  it('does not update image pull times (an AWS::ECR::PullTimeUpdateExclusion for its role)', () => {
    const exclusions = byType('AWS::ECR::PullTimeUpdateExclusion').filter(([, r]) =>
      same(r.Properties?.PrincipalArn, getAtt('CleanupWorkerIamRoleLambdaExecution')),
    );
    expect(exclusions).not.toHaveLength(0);
  });
});
