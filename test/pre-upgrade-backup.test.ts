/** Issue 16 and manual 6.1 ("Preparación: backup de base de datos"): no new image without a backup first. */
import { strict as assert } from "assert";
import { MANUAL_SERVICES } from "./sources";
import type { RecordedResource } from "../offline/mocks";
import { declare, dependenciesOf, find, objectName, ofKind, podTemplate, type Declared } from "./support";

const preUpgradeJobs = (d: Declared) => ofKind(d.objects, "Job").filter((j) => j.metadata.name.startsWith("postgres-pre-upgrade-"));
/** The Job as the program declares it (the resource others depend on). */
const preUpgradeJob = (d: Declared): RecordedResource =>
    d.resources.find((r) => r.type === "kubernetes:batch/v1:Job" && objectName(r)?.startsWith("postgres-pre-upgrade-"))!;
const envOf = (d: Declared, kind: string, name: string) =>
    Object.fromEntries((podTemplate(find(d.objects, kind, name))!.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));

describe("backup before an upgrade (manual 6.1)", () => {
    let prod: Declared;
    beforeEach(async () => {
        prod = await declare({ stack: "prod" });
    });

    it("runs the scheduled backup's script and retention, labelled after the image set it precedes", () => {
        const [job] = preUpgradeJobs(prod);
        assert.ok(job, "a pre-upgrade backup Job");
        const label = job.metadata.name.replace(/^postgres-/, "");
        assert.match(label, /^pre-upgrade-[0-9a-f]{8}$/);
        const env = envOf(prod, "Job", job.metadata.name);
        const cron = (find(prod.objects, "CronJob", "postgres-backup").spec as { jobTemplate: { spec: { template: { spec: { containers: { command: string[]; env: { name: string; value?: string }[] }[] } } } } })
            .jobTemplate.spec.template.spec.containers[0]!;
        assert.deepEqual(podTemplate(job)!.spec.containers[0]!.command, cron.command);
        assert.equal(env.BACKUP_LABEL, label);
        assert.equal(env.BACKUP_RETENTION, cron.env.find((e) => e.name === "BACKUP_RETENTION")!.value);
        const images = (job.metadata.annotations as Record<string, string>)["ecommerce.io/precedes-images"]!;
        for (const { name } of MANUAL_SERVICES) {
            const image = podTemplate(find(prod.objects, "Deployment", name))!.spec.containers[0]!.image;
            assert.ok(images.includes(`${name}=${image}`), `${name}=${image}`);
        }
    });

    it("holds every service Deployment until it has completed, and nothing else", () => {
        const job = preUpgradeJob(prod);
        const dependents = prod.resources.filter((r) => r.dependencies.includes(job.name)).map((r) => `${r.type.split(":").pop()}/${objectName(r)}`);
        assert.deepEqual(dependents.sort(), MANUAL_SERVICES.map((s) => `Deployment/${s.name}`).sort());
        const after = dependenciesOf(prod.resources, job);
        assert.ok(after.includes("postgres") && after.includes("postgres-backups"), after.join(", "));
    });

    it("is a new Job when any image changes, and the same one otherwise", async () => {
        const name = (d: Declared) => preUpgradeJobs(d).map((j) => j.metadata.name);
        const newTag = await declare({ stack: "prod", config: { imageTag: "0.2.0" } });
        const oneService = await declare({ stack: "prod", config: { services: { "order-service": { image: "docker.io/selimhorri/order-service-ecommerce-boot:0.1.1" } } } });
        const restarted = await declare({ stack: "prod", config: { restartedAt: "2026-11-26T10:00:00Z" } });
        assert.notDeepEqual(name(newTag), name(prod));
        assert.notDeepEqual(name(oneService), name(prod));
        assert.notDeepEqual(name(oneService), name(newTag));
        assert.deepEqual(name(restarted), name(prod));
    });

    it("can be turned off per stack", async () => {
        const off = await declare({ stack: "prod", config: { postgres: { backup: { beforeUpgrade: false } } } });
        assert.deepEqual(preUpgradeJobs(off), []);
        const job = preUpgradeJob(prod);
        assert.ok(off.resources.every((r) => !r.dependencies.includes(job.name)));
    });
});
