import { CORRELATION_ID_PATHS, searchCorrelationId } from '../../../shared/logger';

describe('searchCorrelationId', () => {
  it("finds an EventBridge event's id", () => {
    expect(searchCorrelationId(CORRELATION_ID_PATHS.eventBridge, { id: 'evt-1', detail: {} })).toBe('evt-1');
  });

  it("finds the first SQS record's messageId", () => {
    const batch = { Records: [{ messageId: 'msg-1' }, { messageId: 'msg-2' }] };

    expect(searchCorrelationId(CORRELATION_ID_PATHS.sqsBatch, batch)).toBe('msg-1');
  });

  it.each([
    ['an empty batch', { Records: [] }],
    ['Records that is not a list', { Records: { 0: { messageId: 'msg-1' } } }],
    ['a record that is not an object', { Records: ['msg-1'] }],
    ['a messageId that is not a string', { Records: [{ messageId: 42 }] }],
    ['an empty messageId', { Records: [{ messageId: '' }] }],
    ['no event at all', undefined],
    ['a string event', 'Records'],
  ])('sets no id, and never throws, for %s', (_case, event) => {
    expect(searchCorrelationId(CORRELATION_ID_PATHS.sqsBatch, event)).toBeUndefined();
  });

  it('reads own properties only, never what an object inherits', () => {
    expect(searchCorrelationId('constructor', {})).toBeUndefined();
    expect(searchCorrelationId('Records[0].toString', { Records: [{}] })).toBeUndefined();
  });

  it('refuses a path outside its grammar instead of guessing', () => {
    expect(() => searchCorrelationId('Records[*].messageId', {})).toThrow(/unsupported correlation id path/);
    expect(() => searchCorrelationId('detail."repository-name"', {})).toThrow(/unsupported/);
  });
});
