import { matchesEventPattern, UnsupportedEventPatternError } from '../../../local/organization/event-pattern';

const push = {
  source: 'aws.ecr',
  'detail-type': 'ECR Image Action',
  resources: ['arn:aws:ecr:us-east-1:333333333333:repository/team/app'],
  detail: { 'action-type': 'PUSH', result: 'SUCCESS', 'image-tag': 'v1', count: 3, tags: ['a', 'b'] },
};

describe('matchesEventPattern (the EventBridge subset the member stack uses)', () => {
  it.each([
    ['exact values of every named field', { source: ['aws.ecr'], detail: { result: ['SUCCESS'] } }, true],
    ['one of several values', { 'detail-type': ['ECR Image Scan', 'ECR Image Action'] }, true],
    ['a value that differs', { detail: { result: ['FAILURE'] } }, false],
    ['a field the event lacks', { detail: { 'repository-name': ['team/app'] } }, false],
    ['exists: false on an absent field', { detail: { errorCode: [{ exists: false }] } }, true],
    ['exists: false on a present field', { detail: { result: [{ exists: false }] } }, false],
    ['exists: true on a present field', { detail: { result: [{ exists: true }] } }, true],
    ['exists: true on an object (not a leaf)', { detail: [{ exists: true }] }, false],
    ['any element of an array field', { detail: { tags: ['b'] } }, true],
    [
      'any element of resources, by prefix',
      { resources: [{ prefix: 'arn:aws:ecr:us-east-1:333333333333:' }] },
      true,
    ],
    ['a suffix', { detail: { 'image-tag': [{ suffix: '1' }] } }, true],
    ['anything-but a list', { detail: { result: [{ 'anything-but': ['FAILURE'] }] } }, true],
    ['anything-but the value itself', { detail: { result: [{ 'anything-but': 'SUCCESS' }] } }, false],
    ['equals-ignore-case', { detail: { 'action-type': [{ 'equals-ignore-case': 'push' }] } }, true],
    ['a number exactly', { detail: { count: [3] } }, true],
    ['a string is not the number', { detail: { count: ['3'] } }, false],
    ['an object pattern on a string field', { source: { nested: ['x'] } }, false],
    ['the empty pattern', {}, true],
  ])('%s: %s', (_name, pattern, expected) => {
    expect(matchesEventPattern(pattern, push)).toBe(expected);
  });

  it.each([
    [{ detail: { count: [{ numeric: ['>', 1] }] } }],
    [{ $or: [{ source: ['aws.ecr'] }] }],
    [{ source: 'aws.ecr' }],
    [{ source: [{ prefix: 'a', suffix: 'r' }] }],
  ])('refuses an operator it does not implement instead of guessing: %j', (pattern) => {
    expect(() => matchesEventPattern(pattern, push)).toThrow(UnsupportedEventPatternError);
  });
});
