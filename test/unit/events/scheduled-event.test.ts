import { EventValidationError } from '../../../shared/events/event-validation-error';
import { parseScheduledEvent } from '../../../shared/events/scheduled-event';
import { loadEventFixture } from '../../support/fixtures';

describe('parseScheduledEvent', () => {
  it('accepts the Scheduled Event envelope that an EventBridge rule delivers', () => {
    const event = loadEventFixture('aws.events', 'scheduled-event');

    const parsed = parseScheduledEvent(event);

    expect(parsed.id).toBe('89d1a02d-5ec7-412e-82f5-13505f849b41');
    expect(parsed['detail-type']).toBe('Scheduled Event');
  });

  it('rejects an event of another detail-type with a typed error that carries the event id', () => {
    const event = loadEventFixture('aws.events', 'scheduled-event');
    event['detail-type'] = 'ECR Image Action';

    expect(() => parseScheduledEvent(event)).toThrow(EventValidationError);
    expect(() => parseScheduledEvent(event)).toThrow(
      /malformed Scheduled Event event 89d1a02d-5ec7-412e-82f5-13505f849b41: detail-type/,
    );
  });

  it('rejects an event without an id', () => {
    const event = loadEventFixture('aws.events', 'scheduled-event');
    delete event.id;

    expect(() => parseScheduledEvent(event)).toThrow(/^malformed Scheduled Event event: id/);
  });

  it('rejects something that is not an event at all', () => {
    expect(() => parseScheduledEvent('rate(1 day)')).toThrow(EventValidationError);
  });
});
