import {
  type ApiCallEvent,
  type GuardScheduledEvent,
  type ImageActionEvent,
  parseRepositoryGuardEvent,
} from '../../shared/events/repository-guard-events';
import { loadEventFixture } from './fixtures';

// The repository guard's events, from the fixtures in test/events, parsed as the guard parses them.

/** A CloudTrail fixture from test/events/aws.ecr, parsed, with `change` applied to its detail. */
export function apiCallEvent(
  fixture: string,
  change: (detail: Record<string, unknown>) => void = () => undefined,
): ApiCallEvent {
  const event = loadEventFixture<{ detail: Record<string, unknown> }>('aws.ecr', fixture);
  change(event.detail);
  const parsed = parseRepositoryGuardEvent(event);
  if (parsed.kind !== 'api-call') throw new Error(`${fixture} is not a CloudTrail event`);
  return parsed.event;
}

/** The PUSH fixture for one repository, tag, digest and time (the event id derives from them). */
export function pushEvent(push: {
  repositoryName: string;
  tag?: string;
  digest: string;
  time: string;
}): ImageActionEvent {
  const event = loadEventFixture<Record<string, unknown> & { detail: Record<string, unknown> }>(
    'aws.ecr',
    'image-action-push',
  );
  event.time = push.time;
  event.id = `push-${push.repositoryName}-${push.tag ?? 'untagged'}-${push.digest.slice(7, 15)}-${push.time}`;
  event.detail['repository-name'] = push.repositoryName;
  event.detail['image-digest'] = push.digest;
  if (push.tag === undefined) delete event.detail['image-tag'];
  else event.detail['image-tag'] = push.tag;
  const parsed = parseRepositoryGuardEvent(event);
  if (parsed.kind !== 'image-action') throw new Error('not an image action');
  return parsed.event;
}

export function scheduledEvent(time: string, id = `sweep-${time}`): GuardScheduledEvent {
  const event = loadEventFixture<Record<string, unknown>>('aws.events', 'repository-guard-scheduled-event');
  event.time = time;
  event.id = id;
  const parsed = parseRepositoryGuardEvent(event);
  if (parsed.kind !== 'schedule') throw new Error('not a schedule');
  return parsed.event;
}
