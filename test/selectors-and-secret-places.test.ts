/**
 * Two things earlier tests caught only by accident (issue 30):
 * - a workload's selector is immutable, so it may hold only labels that never change: not
 *   the version (the next image upgrade would be refused by the API server), not a digest;
 * - a secret value may sit only where the cluster keeps it secret (a Secret, or a Docker
 *   container's environment): never in a label, an annotation, an `env` value, a command
 *   line or a ConfigMap, where `kubectl get -o yaml`, `describe` or `ps` shows it.
 */
import { strict as assert } from "assert";
import { RANDOM_PASSWORD, mockPassword } from "../offline/mocks";
import { isKubernetesObject, revealSecrets } from "../offline/manifests";
import type { RunOptions } from "../offline/run";
import { declare, type Declared } from "./support";

const WORKLOADS = ["Deployment", "StatefulSet", "DaemonSet"];
const OFFSITE = { endpoint: "https://s3.example.com", bucket: "shop-backups", accessKeyId: "AKIDEXAMPLE", secretAccessKey: "offsite-secret-key-0123456789", encryptionKey: "offsite encryption passphrase 42" };
const WEBHOOK = "https://hooks.example.com/services/T000/B000/webhook-secret-token";
const SMTP_PASSWORD = "smtp-password-0123456789";

const STACKS: [string, RunOptions][] = [
    ["dev", { stack: "dev" }],
    ["prod, with off-site backups, receivers and the smoke test", {
        stack: "prod",
        config: {
            smokeTest: true,
            postgres: { backup: { offsite: OFFSITE } },
            alertReceivers: { L1: { webhook: [{ url: WEBHOOK }] }, smtp: { smarthost: "smtp.example.com:587", from: "am@example.com", username: "am", password: SMTP_PASSWORD } },
        },
        secrets: ["postgres", "alertReceivers"],
    }],
    ["prod, restoring from the bucket", { stack: "prod", config: { scaleToZero: true, postgres: { backup: { offsite: OFFSITE }, restoreFrom: "offsite:full_backup_1.sql.gz" } }, secrets: ["postgres"] }],
    ["local (Docker)", { stack: "local", config: { postgres: { backup: { offsite: OFFSITE } } }, secrets: ["postgres"] }],
];

/** Every secret the run holds: the generated passwords (as the mocks generate them) and the secret config above. */
function secretsOf(d: Declared): Record<string, string> {
    const generated = d.resources.filter((r) => r.type === RANDOM_PASSWORD).map((r) => [`generated ${r.name}`, mockPassword(r.name, r.inputs)] as const);
    assert.ok(generated.length >= 7, `only ${generated.length} generated passwords: the mocks no longer record them`);
    return { ...Object.fromEntries(generated), offsiteSecretKey: OFFSITE.secretAccessKey, offsiteKey: OFFSITE.encryptionKey, webhook: WEBHOOK, smtpPassword: SMTP_PASSWORD };
}

/** Every string in a value, with its path ("spec.template.spec.containers.0.args.2"). */
function* strings(value: unknown, at = ""): Generator<[string, string]> {
    if (typeof value === "string") {
        yield [at, value];
    } else if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) yield* strings(v, `${at}.${i}`);
    } else if (typeof value === "object" && value !== null) {
        for (const [k, v] of Object.entries(value)) yield* strings(v, at ? `${at}.${k}` : k);
    }
}

/** Paths in a Kubernetes object where a value is public to whoever may read the object or list processes. */
const PUBLIC_K8S = /(^|\.)(labels|annotations)\.[^.]+$|\.env\.\d+\.value$|\.(args|command)\.\d+$|^data\.[^.]+$/;
/** In a Docker container, its environment is private to it; its command, labels and healthcheck are not. */
const PUBLIC_DOCKER = /^(command|entrypoints|labels)\.|^healthcheck\.tests\./;

/** Each secret found at a public place of a resource, as "Kind name path: secret name"; and how many public values were looked at. */
function publicLeaks(resources: Declared["resources"], secrets: Record<string, string>): { leaks: string[]; scanned: number } {
    const leaks: string[] = [];
    let scanned = 0;
    for (const r of resources) {
        const docker = r.type.startsWith("docker:index/container:");
        if (!docker && !isKubernetesObject(r)) continue;
        const object = revealSecrets(r.inputs) as { kind?: string };
        // A Secret's data is where secrets belong.
        if (object.kind === "Secret") continue;
        for (const [path, value] of strings(object)) {
            const isPublic = docker ? PUBLIC_DOCKER.test(path) : PUBLIC_K8S.test(path) && (!path.startsWith("data.") || object.kind === "ConfigMap");
            if (!isPublic) continue;
            scanned++;
            for (const [name, secret] of Object.entries(secrets)) {
                if (value.includes(secret)) leaks.push(`${r.type.split(":").pop()} ${r.name} ${path}: ${name}`);
            }
        }
    }
    return { leaks, scanned };
}

describe("secret values only where they stay secret", () => {
    for (const [what, options] of STACKS) {
        it(`${what}: none in a label, annotation, env value, command line or ConfigMap`, async () => {
            const d = await declare(options);
            const { leaks, scanned } = publicLeaks(d.resources, secretsOf(d));
            assert.ok(scanned > 100, `only ${scanned} public values scanned`);
            assert.deepEqual(leaks, []);
        });
    }

    it("would find a password put in a pod annotation, an env value or an argument, and not one in a Secret", async () => {
        const d = await declare({ stack: "dev" });
        const secrets = secretsOf(d);
        const password = Object.values(secrets)[0]!;
        const deployment = d.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        const planted = JSON.parse(JSON.stringify(deployment.inputs)) as {
            spec: { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { env?: { name: string; value?: string }[]; args?: string[] }[] } } };
        };
        planted.spec.template.metadata.annotations = { ...planted.spec.template.metadata.annotations, note: `pw=${password}` };
        const container = planted.spec.template.spec.containers[0]!;
        container.env = [...(container.env ?? []), { name: "DB_PASSWORD", value: password }];
        container.args = [...(container.args ?? []), `--password=${password}`];
        const secret = d.resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
        const found = publicLeaks([{ ...deployment, inputs: planted }, { ...secret, inputs: { ...secret.inputs, stringData: { p: password } } }], secrets).leaks;
        assert.equal(found.length, 3, found.join("\n"));
        assert.ok(found.some((l) => l.includes("annotations.note")) && found.some((l) => /env\.\d+\.value/.test(l)) && found.some((l) => /args\.\d+/.test(l)));
    });
});

describe("workload selectors hold only labels that never change", () => {
    /** Each workload's and Service's selector, by kind/name. */
    const selectors = (d: Declared) =>
        new Map(
            d.objects
                .filter((o) => WORKLOADS.includes(o.kind) || o.kind === "Service" || o.kind === "PodDisruptionBudget")
                .map((o) => {
                    const spec = o.spec as { selector?: Record<string, unknown> & { matchLabels?: Record<string, string> } };
                    const selector = o.kind === "Service" ? spec.selector : spec.selector?.matchLabels;
                    return [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, (selector ?? {}) as Record<string, string>];
                }),
        );

    it("never select by version or digest, and stay the same across an image upgrade, a rotation and a restart", async () => {
        const before = await declare({ stack: "prod" });
        const after = await declare({
            stack: "prod",
            config: { imageTag: "0.2.0", secretsRotation: 3, restartedAt: "2026-01-01T00:00:00Z", postgres: { image: "docker.io/library/postgres:15.11-alpine" } },
        });
        const a = selectors(before);
        const b = selectors(after);
        assert.ok([...a.keys()].filter((k) => !k.startsWith("Service/")).length >= 15, `only ${a.size} selectors`);
        for (const [id, selector] of a) {
            const keys = Object.keys(selector);
            if (WORKLOADS.some((k) => id.startsWith(`${k}/`))) assert.ok(keys.length > 0, `${id} selects nothing`);
            for (const key of keys) {
                assert.ok(!/version|digest|revision|restart|image|hash/i.test(key), `${id} selects by ${key}`);
            }
            assert.deepEqual(b.get(id), selector, `${id}'s selector changed with the image, a rotation or a restart`);
        }
        // The pod templates did change (or the comparison above proves nothing).
        const templateOf = (d: Declared, name: string) => JSON.stringify((d.objects.find((o) => o.kind === "Deployment" && o.metadata.name === name)!.spec as { template: unknown }).template);
        assert.notEqual(templateOf(before, "order-service"), templateOf(after, "order-service"));
    });
});
