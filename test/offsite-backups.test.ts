/**
 * Issue 19: backups that survive the cluster. What the program declares for
 * `postgres.backup.offsite` on each target, and what it refuses. The scripts themselves run
 * against a real PostgreSQL and a real S3-compatible server in test/real/offsite.test.ts.
 */
import { strict as assert } from "assert";
import { revealSecrets, withoutSecrets } from "../offline/manifests";
import { RANDOM_PASSWORD } from "../offline/mocks";
import { canConnect, EXTERNAL, podsOf } from "./network-eval";
import { declare, find, ofKind, podTemplate, recorded, refusal, type Declared } from "./support";
import type { KubeObject } from "../offline/manifests";

const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
const PASSPHRASE = "correct horse battery staple, off-site";
const OFFSITE = {
    endpoint: "https://s3.eu-west-1.amazonaws.com",
    bucket: "acme-ecommerce-backups",
    region: "eu-west-1",
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: SECRET,
    encryptionKey: PASSPHRASE,
};
const withOffsite = (extra: Record<string, unknown> = {}, offsite: Record<string, unknown> = OFFSITE) => ({
    postgres: { backup: { offsite }, ...extra },
});

interface PodSpecLike {
    initContainers?: { name: string; image: string; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[];
    containers: { name: string; image: string; command?: string[]; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[];
    volumes?: { name: string; secret?: { secretName: string }; emptyDir?: { sizeLimit?: string } }[];
}
const spec = (o: KubeObject) => podTemplate(o)!.spec as unknown as PodSpecLike;
const envOf = (c: { env?: { name: string; value?: string }[] }) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

describe("off-site backups on Kubernetes", () => {
    let d: Declared;
    beforeEach(async () => {
        d = await declare({ stack: "prod", config: withOffsite(), secrets: ["postgres"] });
    });

    it("dumps first, then uploads: the dump is an init container, so a failed dump uploads nothing and a failed upload fails the Job", () => {
        const backupPods = [find(d.objects, "CronJob", "postgres-backup"), ...ofKind(d.objects, "Job").filter((j) => j.metadata.name.startsWith("postgres-pre-upgrade-"))];
        assert.equal(backupPods.length, 2, "the scheduled and the pre-upgrade backup");
        for (const o of backupPods) {
            const s = spec(o);
            assert.deepEqual((s.initContainers![0] as { command?: string[] }).command, ["sh", "/scripts/backup.sh"]);
            assert.deepEqual(s.containers.map((c) => c.command), [["sh", "/scripts/offsite.sh", "upload"]]);
            const upload = s.containers[0]!;
            assert.match(upload.image, /^docker\.io\/rclone\/rclone:\d+\.\d+\.\d+$/);
            assert.ok(upload.volumeMounts!.some((m) => m.name === "backups" && m.mountPath === envOf(upload).BACKUP_DIR));
            const env = envOf(upload);
            assert.equal(env.OFFSITE_ENDPOINT, OFFSITE.endpoint);
            assert.equal(env.OFFSITE_BUCKET, OFFSITE.bucket);
            assert.equal(env.OFFSITE_REGION, "eu-west-1");
            assert.equal(env.OFFSITE_SSE, "AES256", "server-side encryption unless the stack says none");
            assert.equal(env.OFFSITE_PREFIX, "ecommerce/prod", "a folder per stack, so stacks sharing a bucket never prune each other");
            assert.equal(env.OFFSITE_RETENTION, "7", "the volume's retention unless set");
            // Credentials as files from the Secret, never as values.
            for (const name of ["OFFSITE_ACCESS_KEY_ID_FILE", "OFFSITE_SECRET_ACCESS_KEY_FILE", "OFFSITE_ENCRYPTION_KEY_FILE"]) {
                assert.ok(env[name]?.startsWith("/run/secrets/offsite/"), name);
            }
            assert.ok(s.volumes!.some((v) => v.secret?.secretName === "postgres-offsite"));
        }
    });

    it("keeps the credentials and the client-side key secret: in the Secret only, never in plain text in what is declared", () => {
        const secret = recorded(d.resources, "kubernetes:core/v1:Secret", "postgres-offsite")!;
        const data = revealSecrets(secret.inputs.stringData) as Record<string, string>;
        assert.deepEqual(Object.keys(data).sort(), ["access-key-id", "encryption-key", "secret-access-key"]);
        assert.equal(data["secret-access-key"], SECRET);
        const plain = JSON.stringify(d.resources.map((r) => withoutSecrets(r.inputs)));
        assert.ok(!plain.includes(SECRET) && !plain.includes(PASSPHRASE), "a credential is in plain text");
        assert.ok(JSON.stringify(d.resources.map((r) => revealSecrets(r.inputs))).includes(SECRET), "the check can see it");
    });

    it("restores from the bucket: the fetch (with its checksum check) runs before restore.sh, which reads the fetched copy", async () => {
        const file = "full_backup_20260101T020000Z.sql.gz";
        const r = await declare({ stack: "prod", config: { ...withOffsite({ restoreFrom: `offsite:${file}` }), scaleToZero: true }, secrets: ["postgres"] });
        const s = spec(find(r.objects, "Job", "postgres-restore"));
        assert.deepEqual(s.initContainers!.map((c) => (c as { command?: string[] }).command), [["sh", "/scripts/offsite.sh", "fetch"]]);
        const fetch = envOf(s.initContainers![0]!);
        assert.equal(fetch.OFFSITE_OBJECT, file);
        const restore = s.containers[0]!;
        assert.equal(envOf(restore).RESTORE_FILE, `${fetch.RESTORE_DIR}/${file}`);
        assert.ok(restore.volumeMounts!.some((m) => m.mountPath === fetch.RESTORE_DIR));
        assert.equal(s.volumes!.find((v) => v.name === "restore")!.emptyDir!.sizeLimit, "20Gi", "room for a dump as large as the backup volume");
        // A restore from the volume keeps its single container.
        const local = await declare({ stack: "prod", config: { ...withOffsite({ restoreFrom: file }), scaleToZero: true }, secrets: ["postgres"] });
        assert.equal(spec(find(local.objects, "Job", "postgres-restore")).initContainers, undefined);
        assert.equal(envOf(spec(find(local.objects, "Job", "postgres-restore")).containers[0]!).RESTORE_FILE, file);
    });

    it("lets only the backup pods (and a restore from the bucket) out to the store, on its port", async () => {
        const pods = new Map(podsOf(d.objects).map((p) => [p.name, p]));
        assert.ok(canConnect(d.objects, pods.get("postgres-backup")!, EXTERNAL, 443));
        assert.ok(!canConnect(d.objects, pods.get("postgres-backup")!, EXTERNAL, 80));
        assert.ok(!canConnect(d.objects, pods.get("postgres")!, EXTERNAL, 443), "the database itself stays in");
        const minio = await declare({ stack: "prod", config: withOffsite({}, { ...OFFSITE, endpoint: "http://minio.example.net:9000" }), secrets: ["postgres"] });
        const minioPods = new Map(podsOf(minio.objects).map((p) => [p.name, p]));
        assert.ok(canConnect(minio.objects, minioPods.get("postgres-backup")!, EXTERNAL, 9000));
        assert.ok(!canConnect(minio.objects, minioPods.get("postgres-backup")!, EXTERNAL, 443));
    });

    it("adds nothing when off: one container, no Secret, no way out", async () => {
        const off = await declare({ stack: "prod" });
        const s = spec(find(off.objects, "CronJob", "postgres-backup"));
        assert.equal(s.initContainers, undefined);
        assert.deepEqual(s.containers.map((c) => c.command), [["sh", "/scripts/backup.sh"]]);
        assert.equal(recorded(off.resources, "kubernetes:core/v1:Secret", "postgres-offsite"), undefined);
        const pods = new Map(podsOf(off.objects).map((p) => [p.name, p]));
        assert.ok(!canConnect(off.objects, pods.get("postgres-backup")!, EXTERNAL, 443));
    });

    it("asks for no server-side encryption where the stack says the store has none", async () => {
        const none = await declare({ stack: "prod", config: withOffsite({}, { ...OFFSITE, serverSideEncryption: "none", prefix: "shop/db", retention: 30 }), secrets: ["postgres"] });
        const env = envOf(spec(find(none.objects, "CronJob", "postgres-backup")).containers[0]!);
        assert.deepEqual([env.OFFSITE_SSE, env.OFFSITE_PREFIX, env.OFFSITE_RETENTION], ["", "shop/db", "30"]);
    });

    it("has no client-side key to read where the stack sets none", async () => {
        const { encryptionKey: _unused, ...withoutKey } = OFFSITE;
        const plain = await declare({ stack: "prod", config: withOffsite({}, withoutKey), secrets: ["postgres"] });
        const env = envOf(spec(find(plain.objects, "CronJob", "postgres-backup")).containers[0]!);
        assert.equal(env.OFFSITE_ENCRYPTION_KEY_FILE, undefined);
        assert.ok(env.OFFSITE_SECRET_ACCESS_KEY_FILE);
        const keys = Object.keys(revealSecrets(recorded(plain.resources, "kubernetes:core/v1:Secret", "postgres-offsite")!.inputs.stringData) as object);
        assert.deepEqual(keys.sort(), ["access-key-id", "secret-access-key"]);
    });

    it("points rclone's home and cache at a writable mount: its root filesystem is read-only", () => {
        for (const pod of [spec(find(d.objects, "CronJob", "postgres-backup"))]) {
            const rclone = [...(pod.initContainers ?? []), ...pod.containers].filter((x) => x.name.startsWith("offsite-"));
            assert.deepEqual(rclone.map((c) => c.name), ["offsite-upload"]);
            for (const c of rclone) {
                const env = envOf(c);
                for (const variable of ["HOME", "XDG_CACHE_HOME"]) {
                    const mount = c.volumeMounts!.find((m) => env[variable] === m.mountPath || env[variable]!.startsWith(`${m.mountPath}/`));
                    assert.ok(mount, `${c.name}: ${variable}=${env[variable]} is on no mount`);
                    assert.ok(pod.volumes!.find((v) => v.name === mount.name)?.emptyDir, `${c.name}: ${variable} is on ${mount.name}, not scratch space`);
                }
            }
        }
    });
});

describe("off-site backups: what is refused, before anything is declared", () => {
    it("a secret access key or encryption key in plain text, naming the command that sets it as a secret", async () => {
        const error = await refusal({ stack: "prod", config: withOffsite() });
        for (const field of ["secretAccessKey", "encryptionKey"]) {
            assert.match(error.message, new RegExp(`ecommerce:postgres\\.backup\\.offsite\\.${field}: is a credential and must be a Pulumi secret`));
            assert.ok(error.message.includes(`pulumi config set --secret --path 'postgres.backup.offsite.${field}'`), field);
        }
        assert.ok(!error.message.includes(SECRET) && !error.message.includes(PASSPHRASE), "the message quotes no credential");
    });

    for (const [what, offsite, expected] of [
        ["an endpoint with the bucket in its path", { ...OFFSITE, endpoint: "https://s3.amazonaws.com/acme" }, /offsite\.endpoint: .*must be an http\(s\) URL of the storage itself/],
        ["an endpoint that is no URL", { ...OFFSITE, endpoint: "s3.amazonaws.com" }, /offsite\.endpoint: .*must be an http\(s\) URL/],
        ["a bucket name S3 refuses", { ...OFFSITE, bucket: "Acme_Backups" }, /offsite\.bucket: must be an S3 bucket name/],
        ["an unknown server-side encryption", { ...OFFSITE, serverSideEncryption: "aes" }, /offsite\.serverSideEncryption: must be "AES256", "aws:kms" or "none"/],
        ["a short client-side key", { ...OFFSITE, encryptionKey: "short" }, /offsite\.encryptionKey: must be at least 16 characters/],
        ["no credentials", { endpoint: OFFSITE.endpoint, bucket: OFFSITE.bucket }, /offsite\.accessKeyId: /],
        ["a prefix with a leading slash", { ...OFFSITE, prefix: "/prod" }, /offsite\.prefix: must be a folder in the bucket/],
    ] as const) {
        it(what, async () => {
            const error = await refusal({ stack: "prod", config: withOffsite({}, offsite), secrets: ["postgres"] });
            assert.match(error.message, expected);
        });
    }

    it("a restore from the bucket when no bucket is configured, naming both keys", async () => {
        const error = await refusal({ stack: "prod", config: { postgres: { restoreFrom: "offsite:full_backup_20260101T020000Z.sql.gz" }, scaleToZero: true } });
        assert.match(error.message, /ecommerce:postgres\.restoreFrom: "offsite:full_backup_20260101T020000Z\.sql\.gz" restores from the off-site bucket, but ecommerce:postgres\.backup\.offsite names none/);
    });
});

describe("off-site backups on the local Docker stack", () => {
    it("runs an uploader beside the backup container, reading its volume, with the credentials secret", async () => {
        const d = await declare({ stack: "local", config: withOffsite(), secrets: ["postgres"] });
        const uploader = recorded(d.resources, "docker:index/container:Container", "postgres-offsite")!;
        assert.ok(uploader, "an uploader container");
        const backup = recorded(d.resources, "docker:index/container:Container", "postgres-backup")!;
        const volumeOf = (r: typeof backup) => (r.inputs.volumes as { volumeName: string; containerPath: string; readOnly: boolean }[]).find((v) => v.containerPath === "/backups")!;
        assert.equal(volumeOf(uploader).volumeName, volumeOf(backup).volumeName, "the same volume");
        assert.equal(volumeOf(uploader).readOnly, true);
        assert.ok(uploader.dependencies.includes(backup.name));
        const plain = JSON.stringify(withoutSecrets(uploader.inputs));
        assert.ok(!plain.includes(SECRET) && !plain.includes(PASSPHRASE));
        const env = (revealSecrets(uploader.inputs.envs) as string[]).join("\n");
        assert.match(env, new RegExp(`^OFFSITE_SECRET_ACCESS_KEY=${SECRET}$`, "m"));
        assert.match(env, /^OFFSITE_BUCKET=acme-ecommerce-backups$/m);
        const uploads = (uploader.inputs.uploads as { file: string }[]).map((u) => u.file);
        assert.deepEqual(uploads, ["/scripts/offsite.sh"]);
        assert.ok(!d.resources.some((r) => r.type === RANDOM_PASSWORD && r.name.includes("offsite")));
    });

    it("restores as on Kubernetes: from the volume, or fetched from the bucket (checksum verified) first", async () => {
        const file = "full_backup_20260101T020000Z.sql.gz";
        const containerNamed = (d: Declared, name: string) => recorded(d.resources, "docker:index/container:Container", name);
        const envOf = (r: NonNullable<ReturnType<typeof containerNamed>>) =>
            Object.fromEntries((revealSecrets(r.inputs.envs) as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

        const fromBucket = await declare({ stack: "local", config: { ...withOffsite({ restoreFrom: `offsite:${file}` }), scaleToZero: true }, secrets: ["postgres"] });
        const fetch = containerNamed(fromBucket, "postgres-offsite-fetch")!;
        assert.deepEqual([fetch.inputs.entrypoints, fetch.inputs.command], [["sh"], ["/scripts/offsite.sh", "fetch"]]);
        assert.equal(fetch.inputs.restart, "no", "runs once");
        assert.equal(envOf(fetch).OFFSITE_OBJECT, file);
        const restore = containerNamed(fromBucket, "postgres-restore")!;
        assert.equal(envOf(restore).RESTORE_FILE, `${envOf(fetch).RESTORE_DIR}/${file}`);
        assert.ok(restore.dependencies.includes(fetch.name), "restores only after the fetch verified the copy");
        assert.ok(!JSON.stringify(withoutSecrets(fetch.inputs)).includes(SECRET));

        const fromVolume = await declare({ stack: "local", config: { postgres: { restoreFrom: file }, scaleToZero: true } });
        assert.equal(containerNamed(fromVolume, "postgres-offsite-fetch"), undefined);
        assert.equal(envOf(containerNamed(fromVolume, "postgres-restore")!).RESTORE_FILE, file);
        const none = await declare({ stack: "local" });
        assert.equal(containerNamed(none, "postgres-restore"), undefined);
    });
});
