// `ecr-warden notify preview`, run as a child process on governance events as EventBridge delivers them.
import { join } from 'node:path';
import { buildCli, expectOneLineError, ROOT, runCli } from '../../support/cli';
import { loadEventFixture } from '../../support/fixtures';
import { scratchDirPerTest } from '../../support/scratch-dir';

const fixture = (name: string) => join(ROOT, 'test', 'events', 'ecr-warden', `${name}.json`);
const scratch = scratchDirPerTest('ecr-warden-notify-');

beforeAll(buildCli);

describe('ecr-warden notify preview', () => {
  it('prints the plain text and the Block Kit JSON of a vulnerability alert', () => {
    const run = runCli('notify', 'preview', '--event', fixture('vulnerability-alert'));

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Vulnerability Alert: payments/api (us-east-1) [CRITICAL]');
    expect(run.stdout).toContain('"type": "header"');
  });

  it('prints only the message JSON with --output json, ready for the Block Kit Builder', () => {
    const run = runCli(
      'notify',
      'preview',
      '--event',
      fixture('replication-audit-report'),
      '--output',
      'json',
    );

    expect(run.status).toBe(0);
    const message = JSON.parse(run.stdout);
    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'Replication Audit Report: registry (us-east-1)' },
    });
    expect(message.text).toContain('Replication audit: 2 of 14 repositories drift in us-west-2');
  });

  it('lists every schema problem of an invalid event under a one-line reason, exit 2', () => {
    const event = loadEventFixture<{ detail: Record<string, unknown> }>('ecr-warden', 'tag-moved');
    event.detail.newDigest = 'latest';
    event.detail.severity = 'urgent';
    const path = scratch.write('event.json', JSON.stringify(event));

    const run = runCli('notify', 'preview', '--event', path);

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^ecr-warden: event file .* is not a valid "Tag Moved" event\n/);
    expect(run.stderr).toContain('  - detail.newDigest: must be a sha256 image digest');
    expect(run.stderr).toContain('  - detail.severity:');
  });

  it('names the accepted detail-types when the event is not a governance event', () => {
    const path = scratch.write(
      'event.json',
      JSON.stringify({ 'detail-type': 'ECR Image Action', detail: {} }),
    );

    const run = runCli('notify', 'preview', '--event', path);

    expectOneLineError(run, /"detail-type" must be one of "Cleanup Report", "Tag Moved"/);
  });
});
