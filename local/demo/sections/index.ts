import { lifecyclePreviewSection } from './lifecycle-preview';
import type { DemoSection } from './section';

/** The demo's sections, in the order they run: each feature adds its own. */
export const DEMO_SECTIONS: DemoSection[] = [lifecyclePreviewSection];
