import { lifecyclePreviewSection } from './lifecycle-preview';
import { notificationsSection } from './notifications';
import type { DemoSection } from './section';

/** The demo's sections, in the order they run: each feature adds its own. */
export const DEMO_SECTIONS: DemoSection[] = [
  lifecyclePreviewSection,
  // Detector sections go above this line: the notifications section delivers the governance events
  // they published, so it runs last.
  notificationsSection,
];
