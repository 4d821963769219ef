/** Helpers shared by the stack tests: run a stack offline and look at what it declared. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { kubernetesObjects, type KubeObject } from "../offline/manifests";
import { objectName as objectNameOf } from "../lib/preview-steps";
import type { RecordedResource } from "../offline/mocks";
import { ProgramFailure, runProgram, type RunOptions, type RunResult } from "../offline/run";
import { PROJECT_DIR } from "../offline/stack-config";

export interface Declared extends RunResult {
    readonly objects: readonly KubeObject[];
}

const cache = new Map<string, Promise<Declared>>();
let cachedFor: string | undefined;

/**
 * Runs a stack offline and extracts its objects. The same stack and config give the same
 * result, so runs are shared between tests; callers must not modify what they get.
 */
export function declare(options: RunOptions): Promise<Declared> {
    const mutation = mutationRun();
    // Stryker's dry run attributes the code each test executes to it (perTest coverage): a
    // shared run would credit only the first test, so there every test runs its own.
    if (mutation === "measuring coverage") {
        return declareFresh(options);
    }
    // With a mutant active, runs are shared among the tests of that mutant only.
    if (mutation !== cachedFor) {
        cache.clear();
        cachedFor = mutation;
    }
    const key = JSON.stringify(options);
    let run = cache.get(key);
    if (!run) {
        run = runProgram(options).then((result) => ({ ...result, objects: kubernetesObjects(result.resources) }));
        cache.set(key, run);
    }
    return run;
}

/**
 * Whether the tests run under Stryker, and with which mutant active (the instrumented code
 * reads it from `globalThis.__stryker__`): undefined outside Stryker.
 */
function mutationRun(): string | undefined {
    if (process.env.STRYKER_MUTATOR_WORKER === undefined) {
        return undefined;
    }
    const context = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__;
    return context?.activeMutant === undefined ? "measuring coverage" : `mutant ${context.activeMutant}`;
}

/** The failure of a stack its config makes the program refuse, checked to have declared nothing. */
export async function refusal(options: RunOptions): Promise<ProgramFailure> {
    try {
        await declare(options);
    } catch (error) {
        assert.ok(error instanceof ProgramFailure, String(error));
        assert.equal(error.declared.length, 0, "nothing is declared before config is refused");
        return error;
    }
    throw new Error(`the stack was accepted: ${JSON.stringify(options)}`);
}

/** A run of its own, never shared: for tests that compare two evaluations of the same config. */
export async function declareFresh(options: RunOptions): Promise<Declared> {
    const result = await runProgram(options);
    return { ...result, objects: kubernetesObjects(result.resources) };
}

export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) {
        throw new Error(`no ${kind} named ${name} among ${objects.length} objects`);
    }
    return found;
}

/**
 * What a recorded resource makes is called: a Kubernetes object's metadata.name, a Docker
 * object's name. Tests look resources up by it, as an operator does, not by their Pulumi
 * names (which carry their component's name).
 */
export function objectName(r: RecordedResource): string | undefined {
    return objectNameOf(r.inputs);
}

/** The recorded resource of `type` whose object is called `name`. */
export function recorded(resources: readonly RecordedResource[], type: string, name: string): RecordedResource | undefined {
    return resources.find((r) => r.type === type && objectName(r) === name);
}

/** The object names of what a recorded resource was declared to depend on. */
export function dependenciesOf(resources: readonly RecordedResource[], r: RecordedResource): string[] {
    return resources.filter((other) => r.dependencies.includes(other.name)).flatMap((other) => objectName(other) ?? []);
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
    return objects.filter((o) => o.kind === kind);
}

/** Typed views of the fields the tests read. */
export interface ContainerView {
    name: string;
    image: string;
    ports?: { name?: string; containerPort: number }[];
    env?: { name: string; value?: string }[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    startupProbe?: ProbeView;
    livenessProbe?: ProbeView;
    readinessProbe?: ProbeView;
    command?: string[];
    securityContext?: Record<string, unknown>;
    volumeMounts?: { name: string; mountPath: string }[];
}

export interface ProbeView {
    httpGet?: { path: string; port: string | number };
    failureThreshold?: number;
    periodSeconds?: number;
}

export interface PodTemplateView {
    metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
    spec: {
        containers: ContainerView[];
        initContainers?: ContainerView[];
        securityContext?: Record<string, unknown>;
        automountServiceAccountToken?: boolean;
        restartPolicy?: string;
        serviceAccountName?: string;
        volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string }; emptyDir?: object }[];
    };
}

export interface WorkloadView {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplateView;
}

export function workload(o: KubeObject): WorkloadView {
    return o.spec as WorkloadView;
}

export function envOf(container: ContainerView): Record<string, string> {
    return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? ""]));
}

/** Kinds that carry a pod template, and where it sits. */
export function podTemplate(o: KubeObject): PodTemplateView | undefined {
    const spec = o.spec as Record<string, unknown> | undefined;
    switch (o.kind) {
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "Job":
            return spec?.template as PodTemplateView;
        case "CronJob":
            return ((spec?.jobTemplate as { spec: { template: PodTemplateView } }) ?? undefined)?.spec.template;
        default:
            return undefined;
    }
}

/** Objects whose pods run for a long time and are selected by Services. */
export const LONG_RUNNING = ["Deployment", "StatefulSet", "DaemonSet"];

/** A stack file's `config:` map as written (keys with the project prefix), to compare against. */
export function stackFile(stack: string): Record<string, unknown> {
    const file = path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`);
    return (parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

interface PodSpecView {
    containers: ContainerView[];
    initContainers?: ContainerView[];
    volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } }[];
}

/**
 * The Secret and key behind a file a container reads (the value of an env var such as
 * PGPASSWORD_FILE): the path resolved through the container's mounts to a Secret volume.
 */
export function secretFileOf(pod: PodSpecView, container: ContainerView, fileVariable: string): { secretName: string; key: string } | undefined {
    const file = container.env?.find((e) => e.name === fileVariable)?.value;
    const mounts = (container as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts ?? [];
    const mount = mounts.find((m) => file?.startsWith(`${m.mountPath}/`));
    const secret = pod.volumes?.find((v) => v.name === mount?.name)?.secret;
    if (!file || !mount || !secret) return undefined;
    const relative = file.slice(mount.mountPath.length + 1);
    const key = secret.items ? secret.items.find((i) => i.path === relative)?.key : relative;
    return key ? { secretName: secret.secretName, key } : undefined;
}

/** A throwaway project folder with this project's Pulumi.yaml and the given stack files (by stack name). */
export function projectWith(stacks: Readonly<Record<string, string>>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const [stack, text] of Object.entries(stacks)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    }
    return dir;
}
