import { randomUUID } from 'node:crypto';
import { STAND_IN_RESOURCES, type StandInResource } from './discovery';

/** An object as a test seeds it: kubectl's shape, with `kind` (apiVersion optional). */
export interface SeedObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [field: string]: unknown };
  [field: string]: unknown;
}

export interface StoredObject {
  /** `<namespace>/<name>`: the order a real API server lists in (etcd key order). */
  key: string;
  namespace: string;
  /** The object as the API returns it in a list (no apiVersion/kind per item). */
  object: Record<string, unknown>;
}

/**
 * The stand-in's objects, per resource, each collection an immutable array sorted by key: a change
 * replaces the array, so a list that started earlier keeps reading the array it started with (a
 * consistent snapshot at the first page's resourceVersion, as the API server serves continued lists).
 */
export class ObjectStore {
  private collections = new Map<string, readonly StoredObject[]>();
  private version = 1000;

  constructor(seed: readonly SeedObject[] = []) {
    for (const resource of STAND_IN_RESOURCES) this.collections.set(resource.name, []);
    this.add(seed);
  }

  get resourceVersion(): string {
    return String(this.version);
  }

  collection(resource: string): readonly StoredObject[] {
    return this.collections.get(resource) ?? [];
  }

  /** Adds (or replaces, by namespace/name) objects; each gets a new resourceVersion. */
  add(objects: readonly SeedObject[]): void {
    const byResource = new Map<StandInResource, SeedObject[]>();
    for (const object of objects) {
      const resource = STAND_IN_RESOURCES.find((r) => r.kind === object.kind);
      if (resource === undefined || resource.name === 'namespaces') {
        throw new Error(`kubernetes-api stand-in: cannot store kind ${object.kind}`);
      }
      byResource.set(resource, [...(byResource.get(resource) ?? []), object]);
    }
    for (const [resource, added] of byResource) {
      const entries = new Map(this.collection(resource.name).map((stored) => [stored.key, stored]));
      for (const object of added) {
        const stored = this.stored(object);
        entries.set(stored.key, stored);
      }
      this.collections.set(resource.name, sortByKey([...entries.values()]));
    }
    this.refreshNamespaces();
  }

  remove(kind: string, namespace: string, name: string): void {
    const resource = STAND_IN_RESOURCES.find((r) => r.kind === kind);
    if (resource === undefined) return;
    this.version++;
    const key = `${namespace}/${name}`;
    this.collections.set(
      resource.name,
      this.collection(resource.name).filter((stored) => stored.key !== key),
    );
  }

  private stored(seed: SeedObject): StoredObject {
    this.version++;
    const { apiVersion: _apiVersion, kind: _kind, ...rest } = seed;
    const namespace = seed.metadata.namespace ?? 'default';
    const metadata = {
      uid: randomUUID(),
      creationTimestamp: '2026-11-01T00:00:00Z',
      ...seed.metadata,
      namespace,
      resourceVersion: String(this.version),
    };
    return { key: `${namespace}/${seed.metadata.name}`, namespace, object: { ...rest, metadata } };
  }

  private refreshNamespaces(): void {
    const names = new Set<string>(['default', 'kube-system']);
    for (const [resource, stored] of this.collections) {
      if (resource !== 'namespaces') for (const entry of stored) names.add(entry.namespace);
    }
    this.collections.set(
      'namespaces',
      sortByKey(
        [...names].map((name) => ({
          key: `/${name}`,
          namespace: '',
          object: { metadata: { name, resourceVersion: this.resourceVersion }, status: { phase: 'Active' } },
        })),
      ),
    );
  }
}

const sortByKey = (entries: StoredObject[]) =>
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
