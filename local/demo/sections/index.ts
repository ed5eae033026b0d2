import { cleanupSection } from './cleanup';
import { lifecyclePreviewSection } from './lifecycle-preview';
import { notificationsSection } from './notifications';
import { replicationAuditSection } from './replication-audit';
import { repositoryGuardSection } from './repository-guard';
import type { DemoSection } from './section';
import { vulnerabilityAlertsSection } from './vulnerability-alerts';

/** The demo's sections, in the order they run: each feature adds its own. */
export const DEMO_SECTIONS: DemoSection[] = [
  lifecyclePreviewSection,
  cleanupSection,
  vulnerabilityAlertsSection,
  replicationAuditSection,
  repositoryGuardSection,
  // Detector sections go above this line: the notifications section delivers the governance events
  // they published, so it runs last.
  notificationsSection,
];
