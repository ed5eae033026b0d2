/**
 * For the few tests that drive a thousand or more events or repositories through dynalite and the
 * registry simulator: 4-12 s on an idle 2-core machine, 20-30 s when the machine is shared (load
 * average 12), past jest's 20 s default (jest.config.js) that suits every other test.
 */
export const HEAVY_TEST_TIMEOUT_MS = 90_000;
