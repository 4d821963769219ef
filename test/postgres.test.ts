/** The data tier as the dev and prod stacks declare it: server, credentials, wiring, backups, protection. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { mockPassword, RANDOM_PASSWORD } from "../offline/mocks";
import { withoutSecrets } from "../offline/manifests";
import { ProgramFailure, runProgram } from "../offline/run";
import { stackConfig } from "../offline/stack-config";
import { loadSettings } from "../stacks/settings";
import { MANUAL_SERVICES } from "./sources";
import { declare, envOf, find, objectName, ofKind, podTemplate, type ContainerView, type Declared, stackFile, secretFileOf } from "./support";

const ROOT = path.resolve(__dirname, "..");
const manual = fs.readFileSync(path.join(ROOT, "docs", "sources", "operations-manual.es.md"), "utf8");
/** Manual 5.1: `nc -zv postgres-service 5432`. */
const [, MANUAL_DB_HOST, MANUAL_DB_PORT] = /nc -zv (\S+) (\d+)/.exec(manual)!;
/** The services that own data: the six business services of the manual's table. */
const BUSINESS = MANUAL_SERVICES.filter((s) => /^(user|product|order|payment|shipping|favourite)-service$/.test(s.name)).map((s) => s.name);
/** Images someone rebuilt with the PostgreSQL driver (reference-system.md, "Databases"). */
const REBUILT = { imageRegistry: "registry.example.com/shop", imageTag: "1.0.0-pg" };


function mainContainer(d: Declared, kind: string, name: string): ContainerView {
    return podTemplate(find(d.objects, kind, name))!.spec.containers[0]!;
}

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: PostgreSQL`, () => {
        let declared: Declared;
        beforeEach(async () => {
            declared = await declare({ stack });
        });

        it("runs one PostgreSQL pod from a StatefulSet with its data on a volume claim", () => {
            const sts = find(declared.objects, "StatefulSet", "postgres");
            const spec = sts.spec as {
                replicas: number;
                volumeClaimTemplates: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }[];
                persistentVolumeClaimRetentionPolicy: { whenDeleted: string };
            };
            assert.equal(spec.replicas, 1);
            const size = (stackFile(stack)["ecommerce:postgres"] as { storageSize?: string } | undefined)?.storageSize;
            assert.equal(spec.volumeClaimTemplates[0]!.spec.resources.requests.storage, size ?? "10Gi");
            assert.equal(spec.persistentVolumeClaimRetentionPolicy.whenDeleted, "Retain");
            const mounts = podTemplate(sts)!.spec.containers[0]!.volumeMounts ?? [];
            assert.ok(mounts.some((m) => m.name === spec.volumeClaimTemplates[0]!.metadata.name && m.mountPath === "/var/lib/postgresql/data"));
        });

        it("answers where the manual's commands look for it", () => {
            const svc = find(declared.objects, "Service", MANUAL_DB_HOST!);
            assert.deepEqual((svc.spec as { ports: { port: number }[] }).ports.map((p) => p.port), [Number(MANUAL_DB_PORT)]);
            assert.equal(declared.outputs.database, `${MANUAL_DB_HOST}:${MANUAL_DB_PORT}`);
        });

        it("is ready only when pg_isready says so, and has resources", () => {
            const c = mainContainer(declared, "StatefulSet", "postgres") as ContainerView & { readinessProbe: { exec: { command: string[] } } };
            assert.equal(c.readinessProbe.exec.command[0], "pg_isready");
            assert.ok(c.resources?.limits?.memory && c.resources.requests?.cpu);
        });

        it("keeps generated credentials in a Secret, for the superuser and each business service", () => {
            const secret = find(declared.objects, "Secret", "postgres-credentials");
            const keys = Object.keys(secret.stringData as object).sort();
            assert.deepEqual(keys, ["postgres-password", ...BUSINESS.map((s) => `${s}-password`)].sort());
            assert.equal(declared.resources.filter((r) => r.type === RANDOM_PASSWORD && r.name.startsWith("postgres-")).length, BUSINESS.length + 1);
        });

        it("never shows a password in plain text in what it declares or exports", () => {
            const passwords = declared.resources.filter((r) => r.type === RANDOM_PASSWORD).map((r) => mockPassword(r.name, r.inputs));
            const plainOutputs = Object.entries(declared.outputs).filter(([name]) => !declared.secretOutputs.includes(name));
            const visible = JSON.stringify([...declared.resources.map((r) => withoutSecrets(r.inputs)), plainOutputs]);
            for (const password of passwords) {
                assert.ok(!visible.includes(password), `a password is visible in plain text`);
            }
            // And they are there, marked secret: the check above is not vacuous.
            const raw = JSON.stringify(declared.resources.map((r) => r.inputs));
            assert.ok(passwords.every((p) => raw.includes(p)));
        });

        it("backs up with pg_dumpall on a schedule, one run at a time, into a volume of its own", () => {
            const cron = find(declared.objects, "CronJob", "postgres-backup");
            const spec = cron.spec as {
                schedule: string;
                concurrencyPolicy: string;
                startingDeadlineSeconds: number;
                successfulJobsHistoryLimit: number;
                failedJobsHistoryLimit: number;
            };
            assert.equal(spec.schedule, "0 2 * * *");
            assert.equal(spec.concurrencyPolicy, "Forbid");
            assert.ok(spec.startingDeadlineSeconds > 0);
            assert.ok(spec.successfulJobsHistoryLimit > 0 && spec.failedJobsHistoryLimit > 0);
            const pod = podTemplate(cron)!.spec;
            assert.equal(pod.restartPolicy, "OnFailure");
            const claim = pod.volumes!.find((v) => v.persistentVolumeClaim)!.persistentVolumeClaim!.claimName;
            assert.ok(ofKind(declared.objects, "PersistentVolumeClaim").some((p) => p.metadata.name === claim));
            const c = mainContainer(declared, "CronJob", "postgres-backup");
            const retention = (stackFile(stack)["ecommerce:postgres"] as { backup?: { retention?: number } } | undefined)?.backup?.retention;
            assert.equal(envOf(c).BACKUP_RETENTION, String(retention ?? 7));
            assert.ok(c.resources?.limits?.memory);
        });

        it("runs the repository's own scripts, mounted from a ConfigMap", () => {
            const scripts = find(declared.objects, "ConfigMap", "postgres-scripts").data as Record<string, string>;
            for (const file of ["backup.sh", "restore.sh", "provision.sh"]) {
                assert.equal(scripts[file], fs.readFileSync(path.join(ROOT, "scripts", "postgres", file), "utf8"), file);
            }
            assert.deepEqual(mainContainer(declared, "CronJob", "postgres-backup").command, ["sh", "/scripts/backup.sh"]);
            assert.deepEqual(mainContainer(declared, "Job", "postgres-provision").command, ["sh", "/scripts/provision.sh"]);
        });

        it("declares no restore Job unless config names a backup", () => {
            assert.equal(ofKind(declared.objects, "Job").filter((j) => j.metadata.name === "postgres-restore").length, 0);
        });

        it("protects the data in production only", () => {
            const production = stackFile(stack)["ecommerce:environment"] === "production";
            assert.equal(production, stack === "prod");
            const protectedOnes = declared.resources.filter((r) => r.protect).map((r) => `${r.type.split(":").pop()}/${objectName(r)}`).sort();
            assert.deepEqual(protectedOnes, production ? ["Namespace/prod", "PersistentVolumeClaim/postgres-backups", "StatefulSet/postgres"] : []);
        });

        it("leaves the services on their embedded H2 unless datasource is postgres", () => {
            for (const name of BUSINESS) {
                assert.equal(envOf(mainContainer(declared, "Deployment", name)).SPRING_DATASOURCE_URL, undefined, name);
            }
        });
    });
}

describe("datasource postgres", () => {
    it("points each business service at its own database, with its password from the Secret", async () => {
        const declared = await declare({ stack: "prod", config: { datasource: "postgres", ...REBUILT } });
        const secret = find(declared.objects, "Secret", "postgres-credentials");
        const provision = envOf(mainContainer(declared, "Job", "postgres-provision"));
        const databases = provision.APP_DATABASES!.split(" ");
        for (const name of MANUAL_SERVICES.map((s) => s.name)) {
            const c = mainContainer(declared, "Deployment", name);
            const env = envOf(c);
            if (!BUSINESS.includes(name)) {
                assert.equal(env.SPRING_DATASOURCE_URL, undefined, name);
                continue;
            }
            const m = new RegExp(`^jdbc:postgresql://${MANUAL_DB_HOST}:${MANUAL_DB_PORT}/(\\w+)$`).exec(env.SPRING_DATASOURCE_URL!);
            assert.ok(m, `${name}: ${env.SPRING_DATASOURCE_URL}`);
            assert.ok(databases.includes(m[1]!), `${name}'s database ${m[1]} is provisioned`);
            assert.equal(env.SPRING_DATASOURCE_USERNAME, m[1]);
            assert.equal(env.SPRING_DATASOURCE_DRIVER_CLASS_NAME, "org.postgresql.Driver");
            const ref = (c.env as { name: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[]).find(
                (e) => e.name === "SPRING_DATASOURCE_PASSWORD",
            )!.valueFrom!.secretKeyRef;
            assert.equal(ref.name, "postgres-credentials");
            assert.ok(ref.key in (secret.stringData as object));
            // The provisioning Job sets this role's password from the same key.
            const provisionPod = podTemplate(find(declared.objects, "Job", "postgres-provision"))!.spec;
            const provisionRef = secretFileOf(provisionPod, provisionPod.containers[0]!, `${m[1]!.toUpperCase()}_PASSWORD_FILE`);
            assert.deepEqual(provisionRef, { secretName: "postgres-credentials", key: ref.key });
            const gates = podTemplate(find(declared.objects, "Deployment", name))!.spec.initContainers!.map((i) => i.name);
            assert.ok(gates.includes("wait-for-postgres"), name);
        }
        assert.equal(new Set(databases).size, BUSINESS.length);
    });

    it("refuses the public images in production, naming the key and the way out", async () => {
        try {
            await runProgram({ stack: "prod", config: { datasource: "postgres" } });
            assert.fail("accepted");
        } catch (error) {
            assert.ok(error instanceof ProgramFailure);
            assert.equal(error.declared.length, 0);
            assert.match(error.message, /ecommerce:datasource: "postgres" needs images built with the PostgreSQL driver/);
            assert.match(error.message, /user-service, product-service, order-service, payment-service, shipping-service, favourite-service still use the public images/);
            assert.match(error.message, /ecommerce:imageRegistry/);
        }
    });

    it("warns about them in development and goes ahead", async () => {
        const config = { ...stackConfig("dev"), "ecommerce:datasource": "postgres" };
        const raw = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^ecommerce:/, ""), v]));
        const settings = loadSettings(raw, "ecommerce", "dev");
        assert.equal(settings.warnings.length, 1);
        assert.match(settings.warnings[0]!, /ecommerce:datasource: "postgres" needs images built with the PostgreSQL driver/);
        const declared = await declare({ stack: "dev", config: { datasource: "postgres" } });
        assert.ok(envOf(mainContainer(declared, "Deployment", "order-service")).SPRING_DATASOURCE_URL);
    });

    it("accepts the public images for the services that own no database", async () => {
        const perService = Object.fromEntries(BUSINESS.map((s) => [s, { image: `registry.example.com/shop/${s}:1.0.0-pg` }]));
        await runProgram({ stack: "prod", config: { datasource: "postgres", services: perService } });
    });
});

describe("postgres config", () => {
    it("restores the named backup with a one-off Job that runs restore.sh", async () => {
        const file = "full_backup_20250101T020000Z.sql.gz";
        // Production refuses a restore while the services write: they are stopped first (manual 9.2).
        const declared = await declare({ stack: "prod", config: { scaleToZero: true, postgres: { restoreFrom: file } } });
        const job = find(declared.objects, "Job", "postgres-restore");
        const c = mainContainer(declared, "Job", "postgres-restore");
        assert.equal(envOf(c).RESTORE_FILE, file);
        assert.deepEqual(c.command, ["sh", "/scripts/restore.sh"]);
        assert.equal(podTemplate(job)!.spec.restartPolicy, "Never");
    });

    it("takes schedule, retention, sizes and storage classes from config", async () => {
        const declared = await declare({
            stack: "prod",
            config: { postgres: { storageClass: "fast-ssd", backup: { schedule: "30 3 * * 0", retention: 14, storageSize: "50Gi", storageClass: "cheap" } } },
        });
        assert.equal((find(declared.objects, "CronJob", "postgres-backup").spec as { schedule: string }).schedule, "30 3 * * 0");
        assert.equal(envOf(mainContainer(declared, "CronJob", "postgres-backup")).BACKUP_RETENTION, "14");
        const pvc = find(declared.objects, "PersistentVolumeClaim", "postgres-backups").spec as {
            storageClassName: string;
            resources: { requests: { storage: string } };
        };
        assert.deepEqual([pvc.storageClassName, pvc.resources.requests.storage], ["cheap", "50Gi"]);
        const sts = find(declared.objects, "StatefulSet", "postgres").spec as { volumeClaimTemplates: { spec: { storageClassName: string } }[] };
        assert.equal(sts.volumeClaimTemplates[0]!.spec.storageClassName, "fast-ssd");
    });

    for (const [config, message] of [
        [{ backup: { schedule: "every night" } }, /ecommerce:postgres\.backup\.schedule: "every night" has 2 fields; Kubernetes takes five: minute hour day-of-month month day-of-week; a schedule is five fields/],
        [{ backup: { retention: 0 } }, /ecommerce:postgres\.backup\.retention: must be at least 1/],
        [{ restoreFrom: "../etc/passwd" }, /ecommerce:postgres\.restoreFrom: must be the file name of a backup in the backup volume/],
        [{ storageSize: "10GB" }, /ecommerce:postgres\.storageSize: "10GB" is not a positive Kubernetes memory quantity/],
        [{ image: "postgres:latest" }, /ecommerce:postgres\.image: .*latest/],
        [{ resources: { requests: { memory: "4Gi" } } }, /ecommerce:postgres\.resources\.requests\.memory: request 4Gi exceeds the limit 1Gi/],
        [{ backups: {} }, /ecommerce:postgres\.backups: unknown key; allowed keys here: image, maxConnections, storageSize, storageClass, resources, backup, restoreFrom/],
    ] as const) {
        it(`rejects ${JSON.stringify(config)}`, async () => {
            await assert.rejects(runProgram({ stack: "dev", config: { postgres: config } }), (error: unknown) => {
                assert.ok(error instanceof ProgramFailure);
                assert.equal(error.declared.length, 0);
                assert.match(error.message, message);
                return true;
            });
        });
    }

    it("rejects an unknown environment or datasource with the allowed values", async () => {
        await assert.rejects(runProgram({ stack: "dev", config: { environment: "staging" } }), /ecommerce:environment: must be one of "development", "production"; written: "staging"/);
        await assert.rejects(runProgram({ stack: "dev", config: { datasource: "mysql" } }), /ecommerce:datasource: must be one of "embedded", "postgres"; written: "mysql"/);
    });
});

describe("scale to zero (manual 3.2, 9.2)", () => {
    it("stops every service and keeps the database, its volumes and its Secret", async () => {
        const running = await declare({ stack: "prod" });
        const stopped = await declare({ stack: "prod", config: { scaleToZero: true } });
        for (const { name } of MANUAL_SERVICES) {
            assert.equal((find(stopped.objects, "Deployment", name).spec as { replicas: number }).replicas, 0, name);
        }
        assert.deepEqual(ofKind(stopped.objects, "HorizontalPodAutoscaler"), []);
        assert.deepEqual(ofKind(stopped.objects, "PodDisruptionBudget"), []);
        const unchanged = (kind: string) =>
            assert.deepEqual(ofKind(stopped.objects, kind), ofKind(running.objects, kind), `${kind} must not change`);
        ["StatefulSet", "PersistentVolumeClaim", "Secret", "ConfigMap", "CronJob", "Service", "Namespace"].forEach(unchanged);
    });
});
