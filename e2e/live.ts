/**
 * The running system, as `npm run test:system` observes it: pods' readiness and the order
 * it came in, commands inside pods (`psql` in postgres-0), port-forwards to Services, and
 * short-lived probe pods that run a script and report what it printed. Every command names
 * the suite's kubeconfig and context; nothing here reaches beyond that cluster.
 */
import { spawn, type ChildProcess } from "child_process";
import { POSTGRES } from "../catalog";
import { selectorLabels } from "../components/shared/labels";
import { freePort } from "../test/real/ports";
import { kubectl } from "./cluster";
import type { E2eTarget } from "./prerequisites";

export interface PodStatus {
    readonly name: string;
    /** Unlike the name, new for every pod (a StatefulSet's replacement pod keeps the name). */
    readonly uid: string;
    /** The workload's name as the pods carry it (`app.kubernetes.io/name`). */
    readonly app: string;
    readonly phase: string;
    readonly ready: boolean;
    /** When the pod last became ready (its Ready condition's transition), epoch ms. */
    readonly readySince?: number;
    readonly created: number;
    readonly deleting: boolean;
    readonly restarts: number;
    /** The pod template it runs (its ReplicaSet's or StatefulSet revision's hash): new after a roll, the same after a scale. */
    readonly revision?: string;
}

interface PodJson {
    metadata: { name: string; uid: string; labels?: Record<string, string>; creationTimestamp: string; deletionTimestamp?: string };
    status: {
        phase: string;
        conditions?: { type: string; status: string; lastTransitionTime: string }[];
        containerStatuses?: { restartCount: number }[];
    };
}

export interface Workload {
    readonly kind: string;
    readonly name: string;
    readonly replicas: number;
    readonly ready: number;
}

/** The image the probe pods run: wget, curl, nc, psql and busybox (scripts/node/images/probe). */
export const PROBE_IMAGE = "ecommerce.local/probe:bookworm";

/**
 * The pod spec of a probe (and of the load Jobs): `sh -c script` in the probe image, meeting
 * the restricted Pod Security Standard; `uid` runs it as another user, `claim` mounts a
 * PersistentVolumeClaim read-only, `memory` is what it requests.
 */
export function probePodSpec(script: string, options: { uid?: number; claim?: { name: string; mountPath: string }; memory?: string } = {}): Record<string, unknown> {
    const uid = options.uid ?? 65534;
    const claim = options.claim;
    return {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
        ...(claim ? { volumes: [{ name: "claim", persistentVolumeClaim: { claimName: claim.name, readOnly: true } }] } : {}),
        containers: [
            {
                name: "probe",
                image: PROBE_IMAGE,
                imagePullPolicy: "Never",
                command: ["sh", "-c", script],
                resources: { requests: { cpu: "10m", memory: options.memory ?? "16Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                ...(claim ? { volumeMounts: [{ name: "claim", mountPath: claim.mountPath, readOnly: true }] } : {}),
            },
        ],
    };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined; throws with `what` after `seconds`. */
export async function until<T>(what: string, seconds: number, check: () => T | undefined | Promise<T | undefined>, everyMs = 2000): Promise<T> {
    const end = Date.now() + seconds * 1000;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > end) throw new Error(`${what}: not true after ${seconds} s`);
        await sleep(everyMs);
    }
}

export class LiveSystem {
    constructor(
        readonly target: E2eTarget,
        readonly namespace: string,
    ) {}

    kubectl(args: readonly string[], input?: string): string {
        return kubectl(this.target, args, input);
    }

    /** `kubectl <args> -n <namespace> -o json`, parsed. */
    json<T>(args: readonly string[]): T {
        return JSON.parse(this.kubectl([...args, "-n", this.namespace, "-o", "json"])) as T;
    }

    pods(): PodStatus[] {
        const list = this.json<{ items: PodJson[] }>(["get", "pods"]);
        return list.items.map((p) => {
            const ready = p.status.conditions?.find((c) => c.type === "Ready");
            return {
                name: p.metadata.name,
                uid: p.metadata.uid,
                app: p.metadata.labels?.["app.kubernetes.io/name"] ?? "",
                phase: p.status.phase,
                ready: ready?.status === "True",
                readySince: ready?.status === "True" ? Date.parse(ready.lastTransitionTime) : undefined,
                created: Date.parse(p.metadata.creationTimestamp),
                deleting: p.metadata.deletionTimestamp !== undefined,
                restarts: (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
                revision: p.metadata.labels?.["pod-template-hash"] ?? p.metadata.labels?.["controller-revision-hash"],
            };
        });
    }

    /** Deployments and StatefulSets with their desired and ready replicas. */
    workloads(): Workload[] {
        const list = this.json<{ items: { kind: string; metadata: { name: string }; spec: { replicas?: number }; status: { readyReplicas?: number } }[] }>(["get", "deployments,statefulsets"]);
        return list.items.map((w) => ({ kind: w.kind, name: w.metadata.name, replicas: w.spec.replicas ?? 1, ready: w.status.readyReplicas ?? 0 }));
    }

    /** Names of workloads short of their replicas, or with none ready when `atLeastOne`. */
    unready(atLeastOne = false): string[] {
        return this.workloads()
            .filter((w) => (atLeastOne ? w.ready < Math.min(1, w.replicas) : w.ready < w.replicas))
            .map((w) => w.name);
    }

    async waitAllReady(seconds: number): Promise<void> {
        await until(`every workload ready (short: ${this.unready().join(", ")})`, seconds, () => (this.unready().length === 0 ? true : undefined), 3000);
    }

    /** Runs a command in a container and returns what it printed; throws on a non-zero exit. */
    exec(pod: string, command: readonly string[], container?: string, input?: string): string {
        return this.kubectl(["exec", ...(input !== undefined ? ["-i"] : []), "-n", this.namespace, pod, ...(container ? ["-c", container] : []), "--", ...command], input);
    }

    /** One value from PostgreSQL, as the manual's operator gets it: `psql -U postgres` inside postgres-0. */
    psql(database: string, sql: string): string {
        return this.exec(`${POSTGRES.name}-0`, ["psql", "-X", "-U", POSTGRES.superuser, "-d", database, "-tAc", sql], POSTGRES.name).trim();
    }

    /** Rows of a table, or undefined when the database or table is not there. */
    rows(database: string, table: string): number | undefined {
        try {
            return Number(this.psql(database, `SELECT count(*) FROM ${table}`));
        } catch {
            return undefined;
        }
    }

    /** A local port forwarded to a Service, closed by `close`. */
    async forward(service: string, port: number): Promise<{ url: string; close(): void }> {
        const local = await freePort();
        const child: ChildProcess = spawn(
            "kubectl",
            ["--kubeconfig", this.target.kubeconfig, "--context", this.target.context, "-n", this.namespace, "port-forward", `svc/${service}`, `${local}:${port}`],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`port-forward to ${service} did not start`)), 30_000);
            child.stdout!.on("data", (d: Buffer) => {
                if (d.toString().includes("Forwarding from")) {
                    clearTimeout(timer);
                    resolve();
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`port-forward to ${service} exited ${code}`));
            });
        });
        return { url: `http://127.0.0.1:${local}`, close: () => child.kill("SIGTERM") };
    }

    /**
     * Runs `script` (sh) in a probe pod to its end and returns its exit code and output. The
     * pod carries `labels` (none: a pod no policy allows anything) in `namespace` (default:
     * the system's) and is deleted afterwards (its spec: probePodSpec).
     */
    async probe(
        name: string,
        script: string,
        options: { namespace?: string; labels?: Record<string, string>; seconds?: number; uid?: number; claim?: { name: string; mountPath: string } } = {},
    ): Promise<{ code: number; log: string }> {
        const namespace = options.namespace ?? this.namespace;
        const seconds = options.seconds ?? 120;
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name, namespace, labels: { "ecommerce.test/probe": "true", ...(options.labels ?? {}) } },
            spec: { ...probePodSpec(script, options), activeDeadlineSeconds: seconds },
        };
        this.kubectl(["delete", "pod", name, "-n", namespace, "--ignore-not-found", "--wait=true"]);
        this.kubectl(["apply", "-f", "-"], JSON.stringify(pod));
        try {
            const phase = await until(`probe pod ${name} finished`, seconds + 30, () => {
                const p = this.kubectl(["get", "pod", name, "-n", namespace, "-o", "jsonpath={.status.phase}"]).trim();
                return p === "Succeeded" || p === "Failed" ? p : undefined;
            });
            const log = this.kubectl(["logs", name, "-n", namespace]);
            return { code: phase === "Succeeded" ? 0 : 1, log };
        } finally {
            this.kubectl(["delete", "pod", name, "-n", namespace, "--ignore-not-found", "--wait=false"]);
        }
    }

    /** Labels that give a probe pod a workload's network identity (its policies' selectors). */
    static as(workload: string): Record<string, string> {
        return selectorLabels(workload);
    }

    /**
     * CPU each pod of the namespace has used since it started, in core-seconds, from the
     * kubelets' summary API (what metrics-server reads), node by node.
     */
    cpuSeconds(): Map<string, number> {
        const used = new Map<string, number>();
        for (const node of this.kubectl(["get", "nodes", "-o", "jsonpath={.items[*].metadata.name}"]).trim().split(/\s+/)) {
            const summary = JSON.parse(this.kubectl(["get", "--raw", `/api/v1/nodes/${node}/proxy/stats/summary`])) as {
                pods: { podRef: { name: string; namespace: string }; cpu?: { usageCoreNanoSeconds?: number } }[];
            };
            for (const pod of summary.pods) {
                if (pod.podRef.namespace === this.namespace) used.set(pod.podRef.name, (pod.cpu?.usageCoreNanoSeconds ?? 0) / 1e9);
            }
        }
        return used;
    }

    /** Allocatable CPU cores of every node together. */
    cores(): number {
        const cpus = this.kubectl(["get", "nodes", "-o", "jsonpath={.items[*].status.allocatable.cpu}"]).trim().split(/\s+/);
        return cpus.reduce((sum, cpu) => sum + (cpu.endsWith("m") ? parseInt(cpu, 10) / 1000 : Number(cpu)), 0);
    }

    /** `kubectl top pods`: millicores and MiB per pod of the namespace. */
    top(): { pod: string; cpuMillis: number; memoryMiB: number }[] {
        const out = this.kubectl(["top", "pods", "-n", this.namespace, "--no-headers"]);
        return out
            .trim()
            .split("\n")
            .filter((l) => l.trim() !== "")
            .map((l) => {
                const [pod, cpu, memory] = l.trim().split(/\s+/);
                return { pod, cpuMillis: parseInt(cpu, 10), memoryMiB: parseInt(memory, 10) };
            });
    }
}
