import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, parseConfigText, validateConfig } from '../../../shared/config/load-config';

const route = (extra: Record<string, unknown> = {}) => ({
  name: 'security',
  webhookParameter: '/ecr-warden/slack/security',
  ...extra,
});

function issuesOf(routes: unknown[]): string[] {
  const validation = validateConfig({ notifications: { routes } });
  if (validation.ok) throw new Error('expected the configuration to be invalid');
  return validation.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('notifications in ecr-warden.yml', () => {
  it('has no route by default, and fills in minSeverity info and stop false', () => {
    expect(parseConfig({}).notifications).toEqual({ routes: [] });
    expect(parseConfig({ notifications: { routes: [route()] } }).notifications.routes).toEqual([
      { name: 'security', webhookParameter: '/ecr-warden/slack/security', minSeverity: 'info', stop: false },
    ]);
  });

  it('accepts the commented example of the committed ecr-warden.yml once uncommented', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', 'ecr-warden.yml'), 'utf8');
    const example = text.slice(text.indexOf('# notifications:')).replace(/^# ?/gm, '');

    const config = parseConfigText(`${text}\n${example}`);

    expect(config.notifications.routes.map((r) => r.name)).toEqual(['security', 'team-a', 'platform']);
  });

  it('wants a fully qualified SSM parameter name', () => {
    expect(issuesOf([route({ webhookParameter: 'ecr-warden/slack' })])).toEqual([
      'notifications.routes[0].webhookParameter: must be a fully qualified SSM parameter name starting with "/", e.g. /ecr-warden/slack/security',
    ]);
    expect(issuesOf([route({ webhookParameter: '/ecr-warden/slack/' })])).toEqual([
      'notifications.routes[0].webhookParameter: may hold only a-z A-Z 0-9 _ . - and single "/" between levels (and must not end with "/")',
    ]);
    expect(issuesOf([route({ webhookParameter: '/ecr warden' })])[0]).toContain('may hold only');
    expect(issuesOf([route({ webhookParameter: '/aws/reference/x' })])).toEqual([
      'notifications.routes[0].webhookParameter: must not start with "aws" or "ssm" (reserved by SSM)',
    ]);
    expect(issuesOf([route({ webhookParameter: `/${Array(16).fill('a').join('/')}` })])).toEqual([
      'notifications.routes[0].webhookParameter: may have at most 15 levels',
    ]);
  });

  it('refuses two routes with the same name, naming the first', () => {
    expect(issuesOf([route(), route({ webhookParameter: '/ecr-warden/slack/other' })])).toEqual([
      'notifications.routes[1].name: "security" is already the name of routes[0]; route names must be unique',
    ]);
  });

  it('refuses unknown detail-types and severities, and unknown keys', () => {
    expect(
      issuesOf([route({ detailTypes: ['Image Pushed'], minSeverity: 'high', channel: '#security' })]),
    ).toEqual([
      expect.stringMatching(
        /^notifications\.routes\[0\]\.detailTypes\[0\]: Invalid option: expected one of "Cleanup Report"/,
      ),
      'notifications.routes[0].minSeverity: Invalid option: expected one of "info"|"warning"|"critical"',
      'notifications.routes[0].channel: unknown key',
    ]);
  });

  it('refuses a repositories filter on a route whose detail-types never carry a repository', () => {
    expect(
      issuesOf([
        route({
          detailTypes: ['Vulnerability Digest', 'Replication Audit Report'],
          repositories: ['team-a/**'],
        }),
      ]),
    ).toEqual([
      'notifications.routes[0].repositories: can never match: Vulnerability Digest, Replication Audit Report carry no repository',
    ]);
  });

  it('checks route names, which key idempotency records and metric dimensions', () => {
    expect(issuesOf([route({ name: 'Security Team' })])).toEqual([
      'notifications.routes[0].name: must be 1-64 of a-z, 0-9 and "-", starting with a letter or digit',
    ]);
  });
});
