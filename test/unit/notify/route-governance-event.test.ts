import type { GovernanceEvent, Severity } from '../../../shared/events/governance';
import {
  compileNotificationRoutes,
  type NotificationRoute,
} from '../../../shared/notify/route-governance-event';
import type { GovernedAccount } from '../../../shared/organization/governed-accounts';
import { loadEventFixture, PAYMENTS_PROD, paymentsProdAlert } from '../../support/fixtures';

function event(
  name: string,
  change: (detail: Record<string, unknown>) => void = () => undefined,
): GovernanceEvent {
  const envelope = loadEventFixture<{ 'detail-type': string; detail: Record<string, unknown> }>(
    'ecr-warden',
    name,
  );
  change(envelope.detail);
  return { detailType: envelope['detail-type'], detail: envelope.detail } as GovernanceEvent;
}

const alertAbout = (repositoryName: string, severity: Severity = 'critical') =>
  event('vulnerability-alert', (detail) => {
    detail.repositoryName = repositoryName;
    detail.severity = severity;
  });

function route(name: string, filters: Partial<NotificationRoute> = {}): NotificationRoute {
  return {
    name,
    webhookParameter: `/ecr-warden/slack/${name}`,
    minSeverity: 'info',
    stop: false,
    ...filters,
  };
}

const names = (routes: NotificationRoute[]) => routes.map((r) => r.name);

describe('compileNotificationRoutes', () => {
  it('sends an event to every matching route, in file order (fan-out)', () => {
    const routeEvent = compileNotificationRoutes([route('security'), route('team-a'), route('everything')]);

    expect(names(routeEvent(alertAbout('team-a/api')))).toEqual(['security', 'team-a', 'everything']);
  });

  it('keeps only the detail-types a route lists', () => {
    const routeEvent = compileNotificationRoutes([
      route('vulnerabilities', { detailTypes: ['Vulnerability Alert', 'Vulnerability Digest'] }),
      route('tags', { detailTypes: ['Tag Moved'] }),
    ]);

    expect(names(routeEvent(alertAbout('team-a/api')))).toEqual(['vulnerabilities']);
    expect(names(routeEvent(event('tag-moved')))).toEqual(['tags']);
    expect(names(routeEvent(event('cleanup-report')))).toEqual([]);
  });

  it('keeps events at or above a route minimum severity', () => {
    const routeEvent = compileNotificationRoutes([
      route('pager', { minSeverity: 'critical' }),
      route('team', { minSeverity: 'warning' }),
      route('log', { minSeverity: 'info' }),
    ]);

    expect(names(routeEvent(alertAbout('x/api', 'critical')))).toEqual(['pager', 'team', 'log']);
    expect(names(routeEvent(alertAbout('x/api', 'warning')))).toEqual(['team', 'log']);
    expect(names(routeEvent(alertAbout('x/api', 'info')))).toEqual(['log']);
  });

  it('matches repository globs as cleanup rules do: * within a segment, ** across, ! excludes', () => {
    const routeEvent = compileNotificationRoutes([
      route('team-a-services', { repositories: ['team-a/*', '!team-a/base-images'] }),
      route('team-a-everything', { repositories: ['team-a/**'] }),
    ]);

    expect(names(routeEvent(alertAbout('team-a/api')))).toEqual(['team-a-services', 'team-a-everything']);
    expect(names(routeEvent(alertAbout('team-a/jobs/nightly')))).toEqual(['team-a-everything']);
    expect(names(routeEvent(alertAbout('team-a/base-images')))).toEqual(['team-a-everything']);
    expect(names(routeEvent(alertAbout('team-ab/api')))).toEqual([]);
  });

  it('sends an event without a repository only to routes that have no repositories filter', () => {
    const routeEvent = compileNotificationRoutes([
      route('team-a', { repositories: ['**'] }),
      route('platform'),
    ]);

    expect(names(routeEvent(event('vulnerability-digest')))).toEqual(['platform']);
    expect(names(routeEvent(event('replication-audit-report')))).toEqual(['platform']);
  });

  it('stops at a matching route that says stop, and only then', () => {
    const routeEvent = compileNotificationRoutes([
      route('critical-only', { minSeverity: 'critical', stop: true }),
      route('everything'),
    ]);

    expect(names(routeEvent(alertAbout('x/api', 'critical')))).toEqual(['critical-only']);
    expect(names(routeEvent(alertAbout('x/api', 'warning')))).toEqual(['everything']);
  });

  it('posts once to a webhook that several matching routes name, for the first of them', () => {
    const routeEvent = compileNotificationRoutes([
      route('team-a', { webhookParameter: '/ecr-warden/slack/shared', repositories: ['team-a/**'] }),
      route('critical', { webhookParameter: '/ecr-warden/slack/shared', minSeverity: 'critical' }),
      route('audit'),
    ]);

    expect(names(routeEvent(alertAbout('team-a/api')))).toEqual(['team-a', 'audit']);
    expect(names(routeEvent(alertAbout('team-b/api')))).toEqual(['critical', 'audit']);
  });

  it('returns no route when nothing matches, and when there are no routes', () => {
    expect(
      compileNotificationRoutes([route('tags', { detailTypes: ['Tag Moved'] })])(alertAbout('x/y')),
    ).toEqual([]);
    expect(compileNotificationRoutes([])(alertAbout('x/y'))).toEqual([]);
  });
});

// Issue 15: routes match the event's account (the member account it is about) by id, alias or OU.
describe('routes by account', () => {
  const routeEvent = compileNotificationRoutes([
    route('by-id', { accounts: ['333333333333'] }),
    route('by-alias', { accounts: ['payments-prod'] }),
    route('by-ou', { accounts: ['ou-ab12-prodprod'] }),
    route('other-account', { accounts: ['222222222222', 'staging', 'ou-ab12-stagings'] }),
    route('everything'),
  ]);

  it('matches the event account by id, by the alias and by an OU above it, as the directory knows it', () => {
    expect(names(routeEvent(paymentsProdAlert(), PAYMENTS_PROD))).toEqual([
      'by-id',
      'by-alias',
      'by-ou',
      'everything',
    ]);
  });

  it('without the directory, matches the id and the alias the event carries, never an OU', () => {
    const alert = paymentsProdAlert();
    expect(names(routeEvent(alert))).toEqual(['by-id', 'everything']);
    alert.detail.accountAlias = 'payments-prod';
    expect(names(routeEvent(alert))).toEqual(['by-id', 'by-alias', 'everything']);
  });

  it('routes Account Unreachable like any event: the routes without filters receive it', () => {
    const unreachable = event('account-unreachable');
    const legacy: GovernedAccount = { id: '444444444444', alias: 'legacy-sandbox', parents: [] };

    expect(names(routeEvent(unreachable, legacy))).toEqual(['everything']);
  });
});
