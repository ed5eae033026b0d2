/**
 * Imported (for its effect) before a handler: its Powertools Metrics write nothing to stdout during the
 * fault suite. (Metrics read POWERTOOLS_METRICS_DISABLED when they are created, at module load.)
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
