/**
 * The in-use part of a config that turns on no optional source (only ECS and Lambda, which are always
 * read): the base the deploy-time tests spread one source onto at a time.
 */
export const NO_OPTIONAL_IN_USE_SOURCES = {
  workloadAccounts: [],
  workloadRoleName: 'ecr-warden-workload-reader',
  batch: false,
  appRunner: false,
  external: [],
  inspector: false,
};
