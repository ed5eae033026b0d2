/**
 * registry-sim: a stateful, in-memory model of ECR registries (with the ECS and Lambda that say
 * which images are in use), served to the real AWS SDK v3 clients through aws-sdk-client-mock.
 * See local/registry-sim/README.md.
 */

export type { CallFilter, CallLog, CallRecord } from './adapter/call-log';
export type { FaultFrequency, FaultInjector, FaultScope } from './adapter/faults';
export type { InstalledSimulator, InstallOptions } from './adapter/install';
export {
  type GenerateImagesOptions,
  type GenerateRepositoriesOptions,
  generateImages,
  generateRepositories,
} from './data/generators';
export {
  ARTIFACT_TYPES,
  attestationManifest,
  type BuiltManifest,
  blobDigest,
  cosignSignature,
  imageIndex,
  imageManifest,
  legacyCosignSignature,
  referrerManifest,
  sbomReferrer,
} from './data/manifests';
export {
  DEFAULT_SAMPLE_PATH,
  type PlantedSituation,
  type SampleDocument,
  SampleFormatError,
  type SampleIndex,
} from './data/sample-format';
export { MEDIA_TYPES, manifestDigest } from './model/manifest';
export type { ImageScan } from './model/scan';
export { SimulatedServiceError } from './model/simulated-error';
export { World, type WorldOptions } from './model/world';
export {
  createRegistrySimulator,
  type Location,
  type PushImageInput,
  RegistrySimulator,
  type RegistrySimulatorOptions,
  type RepositoryInput,
} from './simulator';
