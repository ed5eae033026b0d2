import { cleanupSection } from './cleanup';
import { inUseFailClosedSection } from './in-use-fail-closed';
import { lifecyclePreviewSection } from './lifecycle-preview';
import { notificationsSection } from './notifications';
import { organizationSection } from './organization';
import { replicationAuditSection } from './replication-audit';
import { repositoryGuardSection } from './repository-guard';
import type { DemoSection } from './section';
import { vulnerabilityAlertsSection } from './vulnerability-alerts';

/** The demo's sections, in the order they run: each feature adds its own. */
export const DEMO_SECTIONS: DemoSection[] = [
  lifecyclePreviewSection,
  cleanupSection,
  // Its own short run after the main one, so that the main run's figures stay meaningful.
  inUseFailClosedSection,
  // After cleanup: the worker's in-use index says where the alerted images run.
  vulnerabilityAlertsSection,
  replicationAuditSection,
  repositoryGuardSection,
  // The Organizations hub's accounts as `ecr-warden organization check` sees them (issue 15).
  organizationSection,
  // Detector sections go above this line: the notifications section delivers the governance events
  // they published, so it runs last.
  notificationsSection,
];
