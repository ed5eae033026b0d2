/**
 * Why a cleanup plan keeps or deletes an image. A contract: `ecr-warden cleanup plan --output json`
 * prints these objects and the `Cleanup Report` event counts them by `kind`. Kinds may be added;
 * none is renamed or removed, and a kind's fields are only ever added to.
 */

/**
 * Where a workload outside the registry's own account and region runs: set on the reasons that come
 * from a workload account (`cleanup.protect.workloadAccounts`, or a snapshot's `workloadAccounts[]`),
 * absent for the registry's own account and region.
 */
export interface WorkloadPlace {
  account?: string;
  region?: string;
}

/**
 * An image that a workload uses or may use again, found by shared/cleanup/workload-images.ts (ECS,
 * Lambda) and shared/inuse/ (Kubernetes, Batch, App Runner, external lists, Inspector).
 */
export type InUseReason =
  | ({
      /** A running (not yet stopped) ECS task runs it (describe-tasks `containers[].imageDigest`). */
      kind: 'in-use-ecs-task';
      taskArn: string;
      clusterArn?: string;
      /** `service:<name>` for a service's task, `family:<name>` for a standalone one. */
      group?: string;
      containerName?: string;
    } & WorkloadPlace)
  | ({
      /**
       * An ECS service may start tasks on it: a deployment of the service (primary or still
       * draining) names it in its task definition, or (with `serviceRevisionArn`) one of the
       * service's revisions recorded it, the digest ECS resolved at that deployment
       * (describe-service-revisions `containerImages[].imageDigest`), even after its tag moved.
       */
      kind: 'in-use-ecs-service';
      serviceName: string;
      serviceArn?: string;
      clusterArn?: string;
      deploymentId?: string;
      /** PRIMARY or ACTIVE (the older deployment of a rollout, or the one to roll back to). */
      deploymentStatus?: string;
      taskDefinitionArn: string;
      containerName?: string;
      /** The service revision whose recorded digest this is (absent: a task definition's reference). */
      serviceRevisionArn?: string;
      /** The service deployment that targets that revision (list-service-deployments). */
      serviceDeploymentArn?: string;
      /** Its status: IN_PROGRESS, SUCCESSFUL, ROLLBACK_IN_PROGRESS, ... */
      serviceDeploymentStatus?: string;
    } & WorkloadPlace)
  | ({
      /** One of the newest `protect.taskDefinitionRevisions` ACTIVE revisions of a family names it. */
      kind: 'task-definition-revision';
      family: string;
      revision: number;
      taskDefinitionArn?: string;
      containerName?: string;
    } & WorkloadPlace)
  | ({
      /** A Lambda function version or alias runs it (get-function `Code.ResolvedImageUri`). */
      kind: 'in-use-lambda';
      functionName: string;
      /** The version number, `$LATEST`, or the alias name. */
      qualifier: string;
      functionArn?: string;
    } & WorkloadPlace)
  | ({
      /**
       * A Kubernetes Pod not yet finished runs it: its container status `imageID` (the digest the
       * node pulled), or its spec `image` (a tag resolved to the digest it names now).
       */
      kind: 'in-use-kubernetes-pod';
      /** The cluster's name or ARN, as the config or the snapshot names it. */
      cluster: string;
      namespace: string;
      pod: string;
      container: string;
    } & WorkloadPlace)
  | ({
      /**
       * A workload's pod template names it: a Deployment (scaled to zero too), a ReplicaSet (old ones
       * are rollback targets), a StatefulSet, a DaemonSet, a Job or a CronJob.
       */
      kind: 'in-use-kubernetes-workload';
      cluster: string;
      namespace: string;
      /**
       * Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob. Named `workloadKind`, not
       * `kind`: `kind` is the reason's own discriminator.
       */
      workloadKind: string;
      name: string;
      container: string;
    } & WorkloadPlace)
  | ({
      /** An ACTIVE AWS Batch job definition names it: a job submitted with it pulls the image. */
      kind: 'in-use-batch';
      jobDefinitionArn: string;
      jobDefinitionName?: string;
      revision?: number;
    } & WorkloadPlace)
  | ({
      /** An App Runner service (running, paused or being changed) deploys it from ECR. */
      kind: 'in-use-app-runner';
      serviceName: string;
      serviceArn?: string;
    } & WorkloadPlace)
  | {
      /** An external list (`cleanup.protect.external`, or a snapshot's `external[]`) names it. */
      kind: 'in-use-external';
      source: string;
    }
  | {
      /**
       * Amazon Inspector saw an ECS task or EKS pod run it within `cleanup.protect.inspectorInUseDays`
       * (ListCoverage `resourceMetadata.ecrImage.lastInUseAt`).
       */
      kind: 'in-use-inspector';
      /** ISO 8601. */
      lastInUseAt: string;
      inUseCount?: number;
    };

export type KeepReason =
  | InUseReason
  | {
      /** One of its tags matches a `cleanup.protect.tags` glob. */
      kind: 'protected-tag';
      tag: string;
      pattern: string;
    }
  | {
      /**
       * One of the newest `cleanup.keepAtLeast` images of the repository by push time. Only images
       * people push count (indexes and single images): children of an index and referrers follow
       * their index or subject.
       */
      kind: 'keep-at-least';
      /** 1 for the newest image. */
      rank: number;
      keepAtLeast: number;
    }
  | {
      /** Being restored from archive (imageStatus ACTIVATING): no rule may act on it. */
      kind: 'restoring-from-archive';
    }
  | {
      /** A kept index lists it: ECR refuses to delete a child while its index exists. */
      kind: 'child-of-kept-index';
      indexDigest: string;
      indexTags: string[];
    }
  | {
      /**
       * An archived index lists it. ECR's own lifecycle may expire or archive it once the index is
       * archived ("it cannot be expired or archived without the manifest list being deleted or
       * archived first", LifecyclePolicies.html); ecr-warden keeps it, so that the index still
       * works when it is restored.
       */
      kind: 'child-of-archived-index';
      indexDigest: string;
      indexTags: string[];
    }
  | {
      /** Its subject is kept: deleting a signature, SBOM or attestation would strip a kept image of it. */
      kind: 'referrer-of-kept-image';
      subjectDigest: string;
      artifactMediaType?: string;
    }
  | {
      /** A referrer of it is kept for a protection: deleting the subject would orphan that referrer. */
      kind: 'subject-of-kept-referrer';
      referrerDigest: string;
    }
  | {
      /** Deleting it would exceed the run's cap; kept whole with its index, children and referrers. */
      kind: 'deletion-cap';
      cap: 'maxDeletionsPerRepository' | 'maxDeletionShare';
      /** How many images this repository's run may delete. */
      limit: number;
    }
  | {
      /** The policy moves it to archive storage rather than deleting it. */
      kind: 'archive-transition';
      rulePriority: number;
      targetStorageClass: 'archive';
      /** False when a protection stops the transition (an image in use must stay pullable). */
      planned: boolean;
    }
  | {
      /**
       * A rule would expire it, but a rule of higher priority whose tag filter matches it claimed it
       * first and does not expire it (ECR's evaluation rules: an image is acted on by one rule at most).
       */
      kind: 'claimed-by-higher-priority-rule';
      rulePriority: number;
      claimedByRulePriority: number;
    }
  | {
      /** No rule of the policy expires it (or the repository has no policy). */
      kind: 'not-selected-by-policy';
      /** True when the rule is `native` and the repository has no lifecycle policy. */
      noPolicy?: boolean;
    };

export type KeepReasonKind = KeepReason['kind'];
export type InUseReasonKind = InUseReason['kind'];

/** Every InUseReason kind, in the order a kept image lists them (a test checks that none is missing). */
export const IN_USE_REASON_KINDS = [
  // What runs now (a task, a pod, a service, a function, an App Runner service) ...
  'in-use-ecs-task',
  'in-use-kubernetes-pod',
  'in-use-ecs-service',
  'in-use-lambda',
  'in-use-app-runner',
  // ... then what may start it again (pod templates, job definitions, task definition revisions) ...
  'in-use-kubernetes-workload',
  'in-use-batch',
  'task-definition-revision',
  // ... then what others say runs, or ran lately.
  'in-use-external',
  'in-use-inspector',
] as const satisfies readonly InUseReasonKind[];

/**
 * Every keep reason kind, in the order a kept image lists its reasons. The first is the image's
 * primary reason, the one `topKeepReasons` counts: protections that keep an image whatever the policy
 * says come first (what a workload uses before all), the policy's own verdict last.
 */
export const KEEP_REASON_KINDS = [
  // A workload uses it: first of all.
  ...IN_USE_REASON_KINDS,
  'protected-tag',
  'keep-at-least',
  'restoring-from-archive',
  'child-of-kept-index',
  'child-of-archived-index',
  'referrer-of-kept-image',
  'subject-of-kept-referrer',
  'deletion-cap',
  'archive-transition',
  'claimed-by-higher-priority-rule',
  'not-selected-by-policy',
] as const satisfies readonly KeepReasonKind[];

/** Kinds that protect an image whatever the policy says: also stop an archive transition. */
export const PROTECTION_KINDS: ReadonlySet<KeepReasonKind> = new Set([
  ...IN_USE_REASON_KINDS,
  'protected-tag',
  'keep-at-least',
  'restoring-from-archive',
]);

export type DeleteReason =
  | {
      /** An `expire` rule of the policy selects it. */
      kind: 'expired-by-policy';
      rulePriority: number;
    }
  | {
      /** An index being deleted lists it and no kept index does. */
      kind: 'child-of-deleted-index';
      indexDigest: string;
    }
  | {
      /** Its subject is being deleted: a signature, SBOM or attestation of nothing is debris. */
      kind: 'referrer-of-deleted-image';
      subjectDigest: string;
    };

export type DeleteReasonKind = DeleteReason['kind'];

export const DELETE_REASON_KINDS = [
  'expired-by-policy',
  'child-of-deleted-index',
  'referrer-of-deleted-image',
] as const satisfies readonly DeleteReasonKind[];

const KIND_ORDER = new Map<string, number>(KEEP_REASON_KINDS.map((kind, i) => [kind, i]));

/** Sorts reasons into KEEP_REASON_KINDS order; within a kind, by their JSON (a stable order). */
export function sortKeepReasons(reasons: KeepReason[]): KeepReason[] {
  if (reasons.length < 2) return reasons;
  const keyed = reasons.map((reason) => ({ reason, key: JSON.stringify(reason) }));
  keyed.sort(
    (a, b) =>
      (KIND_ORDER.get(a.reason.kind) ?? 0) - (KIND_ORDER.get(b.reason.kind) ?? 0) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return keyed.map(({ reason }) => reason);
}
