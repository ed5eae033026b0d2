/**
 * The Kubernetes read at scale: a cluster of PODS pods and WORKLOADS workload objects (Deployments,
 * ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs in turn) across NAMESPACES namespaces, served
 * by the Kubernetes API stand-in in another process over HTTPS, read through
 * shared/kubernetes/read-cluster-objects.ts with limit=500. Reports list pages (against the minimum,
 * one page per 500 objects of each collection), wall time, and this process's memory: peak RSS and
 * the heap the finished List keeps. Built and started by bench/kubernetes-read.mjs; prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { STAND_IN_CREDENTIALS } from '../local/kubernetes-api/server';
import { createEksToken } from '../shared/aws/eks-token';
import { IN_USE_RESOURCES } from '../shared/kubernetes/kubernetes-list';
import { readClusterObjectsWithStats } from '../shared/kubernetes/read-cluster-objects';

const PODS = Number(process.env.BENCH_K8S_PODS ?? 20_000);
const WORKLOADS = Number(process.env.BENCH_K8S_WORKLOADS ?? 5_000);
const NAMESPACES = Number(process.env.BENCH_K8S_NAMESPACES ?? 200);
const PAGE = 500;
const CLUSTER = 'bench-eks';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main() {
  const standInBundle = process.argv[2] as string;
  const server = spawn(
    process.execPath,
    [standInBundle, String(PODS), String(WORKLOADS), String(NAMESPACES), CLUSTER],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: server.stdout }), 'line')) as [string];
  const { url, caData } = JSON.parse(line) as { url: string; caData: string };
  try {
    gc();
    const before = process.memoryUsage();
    const { token } = await createEksToken({
      clusterName: CLUSTER,
      region: 'us-east-1',
      credentials: STAND_IN_CREDENTIALS,
    });
    const started = process.hrtime.bigint();
    const { list, stats } = await readClusterObjectsWithStats({
      cluster: CLUSTER,
      endpoint: url,
      caData,
      token,
      pageSize: PAGE,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    gc();
    const after = process.memoryUsage();
    const workloadsPerKind = Math.ceil(WORKLOADS / (IN_USE_RESOURCES.length - 1));
    const minimumPages =
      Math.ceil(PODS / PAGE) +
      (IN_USE_RESOURCES.length - 1) * Math.max(1, Math.ceil(workloadsPerKind / PAGE));
    process.stdout.write(
      `${JSON.stringify({
        pods: PODS,
        workloads: WORKLOADS,
        namespaces: NAMESPACES,
        items: list.items.length,
        itemsByKind: stats.itemsByKind,
        pages: stats.pages,
        requests: stats.requests,
        minimumPages,
        ms,
        rssBeforeMiB: mib(before.rss),
        heapRetainedMiB: mib(after.heapUsed - before.heapUsed),
        peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
        listJsonMiB: mib(Buffer.byteLength(JSON.stringify(list))),
      })}\n`,
    );
  } finally {
    server.stdin.end();
    await once(server, 'exit');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
