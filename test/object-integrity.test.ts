/**
 * What the API server or the kubelet would refuse, or a pod would fail on, that the OpenAPI
 * schema does not see: names that are not DNS names, a mount of a volume the pod lacks,
 * two mounts at one path, a reference to a ConfigMap, Secret, key, claim or ServiceAccount
 * the stack does not declare, a Secret or ConfigMap mounted writable, a probe without a
 * handler, a claim without an access mode or size, a Job's pod that would restart in place,
 * an empty argument in a command, a label or annotation key that is not a qualified name,
 * a label value Kubernetes refuses. Checked on the stacks
 * as shipped and with the features that add pods (off-site backups with a restore from the
 * bucket, the smoke test, the config folder, alert receivers).
 */
import { strict as assert } from "assert";
import type { KubeObject } from "../offline/manifests";
import { declare, podTemplate, type Declared } from "./support";
import type { RunOptions } from "../offline/run";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Services and Namespaces: RFC 1035 labels (a letter first). */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const OFFSITE = { endpoint: "https://s3.example.com", bucket: "shop-backups", accessKeyId: "AK", secretAccessKey: "SK-secret", encryptionKey: "a passphrase of 16+" };
const VARIANTS: [string, RunOptions][] = [
    ["dev", { stack: "dev" }],
    ["prod", { stack: "prod" }],
    ["prod, restoring from the bucket", { stack: "prod", config: { scaleToZero: true, postgres: { backup: { offsite: OFFSITE }, restoreFrom: "offsite:full_backup_1.sql.gz" } }, secrets: ["postgres"] }],
    ["prod, restoring from the volume", { stack: "prod", config: { scaleToZero: true, postgres: { restoreFrom: "full_backup_1.sql.gz" } } }],
    ["prod with the smoke test, the config folder and receivers", {
        stack: "prod",
        config: { smokeTest: true, configServerFolder: "config-server", alertReceivers: { L1: { email: ["ops@example.com"] }, smtp: { smarthost: "smtp.example.com:587", from: "am@example.com", username: "am", password: "pw" } } },
        secrets: ["alertReceivers"],
    }],
];

interface Mount {
    name: string;
    mountPath: string;
    readOnly?: boolean;
}
type Probe = Partial<Record<"exec" | "httpGet" | "tcpSocket" | "grpc", unknown>>;
interface Container {
    name: string;
    command?: string[];
    args?: string[];
    startupProbe?: Probe;
    livenessProbe?: Probe;
    readinessProbe?: Probe;
    volumeMounts?: Mount[];
    env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
    ports?: { name?: string }[];
}
interface Volume {
    name: string;
    configMap?: { name: string; items?: { key: string }[] };
    secret?: { secretName: string; items?: { key: string }[] };
    persistentVolumeClaim?: { claimName: string };
    projected?: unknown;
}
interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    volumes?: Volume[];
    serviceAccountName?: string;
    restartPolicy?: string;
}
interface ClaimSpec {
    accessModes?: string[];
    resources?: { requests?: { storage?: string } };
}

/** A qualified name: an optional DNS-subdomain prefix and '/', then a name of at most 63. */
function qualifiedName(key: string): boolean {
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    return (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function metadataProblems(where: string, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): string[] {
    const found: string[] = [];
    for (const [key, value] of Object.entries(metadata?.labels ?? {})) {
        if (!qualifiedName(key)) found.push(`${where}: label key "${key}" is not a qualified name`);
        if (!(value.length <= 63 && LABEL_VALUE.test(value))) found.push(`${where}: label ${key}="${value}" is not a label value`);
    }
    for (const key of Object.keys(metadata?.annotations ?? {})) {
        if (!qualifiedName(key)) found.push(`${where}: annotation key "${key}" is not a qualified name`);
    }
    return found;
}

const keysOf = (o: KubeObject): string[] => [...Object.keys((o.data as object | undefined) ?? {}), ...Object.keys((o.stringData as object | undefined) ?? {})];

function problems(d: Declared): string[] {
    const found: string[] = [];
    const declared = (kind: string, namespace: string | undefined, name: string) =>
        d.objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
    for (const o of d.objects) {
        const id = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        const name = o.metadata.name;
        if (!(name.length <= 253 && DNS_SUBDOMAIN.test(name))) found.push(`${id}: name is not a DNS subdomain`);
        if (["Service", "Namespace"].includes(o.kind) && !(name.length <= 63 && DNS_1035.test(name))) found.push(`${id}: name is not an RFC 1035 label`);
        found.push(...metadataProblems(id, o.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> }));
        const claims = o.kind === "PersistentVolumeClaim" ? [o.spec as ClaimSpec] : ((o.spec as { volumeClaimTemplates?: { spec: ClaimSpec }[] } | undefined)?.volumeClaimTemplates ?? []).map((t) => t.spec);
        for (const claim of claims) {
            if (!claim.accessModes?.length || !claim.resources?.requests?.storage) found.push(`${id}: a claim without an access mode or a size`);
        }
        const template = podTemplate(o);
        if (!template) continue;
        found.push(...metadataProblems(`${id} (pod template)`, template.metadata));
        const pod = template.spec as unknown as PodSpec;
        const ns = o.metadata.namespace;
        const claimTemplates = ((o.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? []).map((t) => t.metadata.name);
        const volumes = pod.volumes ?? [];
        const volumeNames = [...volumes.map((v) => v.name), ...claimTemplates];
        if (new Set(volumeNames).size !== volumeNames.length) found.push(`${id}: two volumes share a name`);
        const containers = [...(pod.initContainers ?? []), ...pod.containers];
        if (new Set(containers.map((c) => c.name)).size !== containers.length) found.push(`${id}: two containers share a name`);
        if (["Job", "CronJob"].includes(o.kind) && !["Never", "OnFailure"].includes(pod.restartPolicy ?? "")) found.push(`${id}: a Job's pod must not restart in place (restartPolicy ${pod.restartPolicy})`);
        if (pod.serviceAccountName && !declared("ServiceAccount", ns, pod.serviceAccountName)) found.push(`${id}: ServiceAccount ${pod.serviceAccountName} is not declared`);
        for (const v of volumes) {
            if (!DNS_LABEL.test(v.name)) found.push(`${id}: volume "${v.name}" is not a DNS label`);
            const source = v.configMap ? declared("ConfigMap", ns, v.configMap.name) : v.secret ? declared("Secret", ns, v.secret.secretName) : undefined;
            if ((v.configMap || v.secret) && !source) found.push(`${id}: volume ${v.name} refers to ${v.configMap?.name ?? v.secret?.secretName}, not declared`);
            for (const item of v.configMap?.items ?? v.secret?.items ?? []) {
                if (source && !keysOf(source).includes(item.key)) found.push(`${id}: volume ${v.name} wants key ${item.key}, which ${source.metadata.name} lacks`);
            }
            if (v.persistentVolumeClaim && !declared("PersistentVolumeClaim", ns, v.persistentVolumeClaim.claimName)) found.push(`${id}: claim ${v.persistentVolumeClaim.claimName} is not declared`);
        }
        for (const c of containers) {
            const where = `${id}/${c.name}`;
            if (!DNS_LABEL.test(c.name) || c.name.length > 63) found.push(`${where}: container name is not a DNS label`);
            for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe].filter((p) => p !== undefined)) {
                if (["exec", "httpGet", "tcpSocket", "grpc"].filter((h) => probe[h as keyof Probe] !== undefined).length !== 1) found.push(`${where}: a probe needs exactly one handler`);
                const exec = (probe.exec as { command?: string[] } | undefined)?.command;
                if (exec !== undefined && (exec.length === 0 || exec.some((a) => a === ""))) found.push(`${where}: a probe's command is empty or has an empty argument`);
            }
            if ([...(c.command ?? []), ...(c.args ?? [])].some((a) => a === "")) found.push(`${where}: an empty argument in its command`);
            const paths = (c.volumeMounts ?? []).map((m) => m.mountPath);
            if (new Set(paths).size !== paths.length) found.push(`${where}: two mounts at one path`);
            for (const m of c.volumeMounts ?? []) {
                if (!volumeNames.includes(m.name)) found.push(`${where}: mounts ${m.name}, not a volume of the pod`);
                if (!m.mountPath.startsWith("/")) found.push(`${where}: mount path "${m.mountPath}" is not absolute`);
                const volume = volumes.find((v) => v.name === m.name);
                if ((volume?.secret || volume?.configMap) && m.readOnly !== true) found.push(`${where}: ${m.name} (a Secret or ConfigMap) is mounted writable`);
            }
            for (const e of c.env ?? []) {
                const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
                if (!ref) continue;
                const source = declared(e.valueFrom?.secretKeyRef ? "Secret" : "ConfigMap", ns, ref.name);
                if (!source) found.push(`${where}: ${e.name} reads ${ref.name}, not declared`);
                else if (!keysOf(source).includes(ref.key)) found.push(`${where}: ${e.name} reads key ${ref.key}, which ${ref.name} lacks`);
            }
        }
    }
    return found;
}

describe("objects the cluster would take, and pods that would start", () => {
    for (const [what, options] of VARIANTS) {
        it(what, async () => {
            const d = await declare(options);
            assert.ok(d.objects.some((o) => podTemplate(o)), "some pods to check");
            assert.deepEqual(problems(d), []);
        });
    }

    it("finds each kind of mistake it looks for", async () => {
        const d = await declare({ stack: "prod" });
        const broken = structuredClone(d.objects) as KubeObject[];
        const sts = broken.find((o) => o.kind === "StatefulSet" && o.metadata.name === "postgres")!;
        const pod = podTemplate(sts)!.spec as unknown as PodSpec;
        pod.containers[0]!.volumeMounts!.push({ name: "nowhere", mountPath: "relative" });
        pod.volumes!.find((v) => v.configMap)!.configMap!.name = "missing";
        const secretMount = pod.containers[0]!.volumeMounts!.find((m) => pod.volumes!.some((v) => v.secret && v.name === m.name));
        if (secretMount) secretMount.readOnly = false;
        pod.containers[0]!.livenessProbe = {};
        pod.containers[0]!.readinessProbe = { exec: { command: ["pg_isready", "-U", ""] } };
        const job = broken.find((o) => o.kind === "CronJob")!;
        delete (podTemplate(job)!.spec as { restartPolicy?: string }).restartPolicy;
        ((sts.spec as { volumeClaimTemplates: { spec: ClaimSpec }[] }).volumeClaimTemplates[0]!.spec).accessModes = [];
        podTemplate(sts)!.metadata.annotations = { "": "x" };
        (sts.metadata.labels as Record<string, string>)["app.kubernetes.io/part-of"] = "-x";
        broken.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "", namespace: "prod" } } as KubeObject);
        const found = problems({ ...d, objects: broken }).join("\n");
        for (const expected of ["mounts nowhere, not a volume", 'mount path "relative"', "refers to missing, not declared", "name is not a DNS subdomain", "exactly one handler", "a probe's command is empty", "must not restart in place", "without an access mode", 'annotation key "" is not', "is not a label value"]) {
            assert.ok(found.includes(expected), `${expected} not found in:\n${found}`);
        }
        if (secretMount) assert.match(found, /mounted writable/);
    });
});
