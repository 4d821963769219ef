/**
 * Manual 6.3, 9.2 and 6.1 on the live system: a backup run writes a dump and its checksum
 * to the backup volume; after the databases are lost, `postgres.restoreFrom` brings them
 * back row for row (the README's restore procedure, step by step); a new `imageTag` runs
 * the pre-upgrade backup before any Deployment changes, and the services roll with a ready
 * pod at every moment.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { databaseOwners, SERVICES } from "../../catalog";
import { BACKUP_CLAIM } from "../../components/postgres/backup";
import { BACKUP_MOUNT, POSTGRES_UID } from "../../components/postgres/pods";
import { sleep, until, type LiveSystem } from "../../e2e/live";
import { ok } from "../../e2e/workspace";
import { writtenRows } from "./02-data.system";
import { figure, system } from "./fixture";

/** Every table of every service database with a digest of its rows: equal digests, equal data. */
function contents(live: LiveSystem): Record<string, string> {
    const result: Record<string, string> = {};
    for (const owner of databaseOwners()) {
        const tables = live.psql(owner.database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split("\n").filter(Boolean);
        for (const table of tables) {
            result[`${owner.database}.${table}`] = live.psql(owner.database, `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "${table}" t`);
        }
    }
    return result;
}

async function runJob(live: LiveSystem, from: string, name: string, seconds: number): Promise<string> {
    live.kubectl(["create", "job", `--from=${from}`, name, "-n", live.namespace]);
    await until(`Job ${name} complete`, seconds, () => {
        const status = live.json<{ status: { succeeded?: number; failed?: number } }>(["get", "job", name]).status;
        if ((status.failed ?? 0) > 0) throw new Error(`Job ${name} failed:\n${live.kubectl(["logs", `job/${name}`, "-n", live.namespace])}`);
        return (status.succeeded ?? 0) > 0 ? true : undefined;
    });
    return live.kubectl(["logs", `job/${name}`, "-n", live.namespace]);
}

describe("3. backups and restore (manual 6.3, 9.2, 6.1)", function () {
    let file = "";
    let before: Record<string, string> = {};

    it("a Job from the backup CronJob writes a dump and its checksum to the backup volume", async function () {
        const { live } = system(this);
        before = contents(live);
        assert.ok(Object.keys(before).length >= databaseOwners().length, `tables found: ${Object.keys(before).join(", ")}`);
        const log = await runJob(live, "cronjob/postgres-backup", `system-backup-${Date.now() % 100000}`, 300);
        const wrote = /wrote (\S+)/.exec(log);
        assert.ok(wrote, `the backup did not say what it wrote:\n${log}`);
        file = path.basename(wrote[1]);
        const check = await live.probe("backup-check", `cd ${BACKUP_MOUNT} && sha256sum -c ${file}.sha256 && gzip -t ${file} && gzip -dc ${file} | grep -c '^CREATE DATABASE'`, {
            uid: POSTGRES_UID,
            claim: { name: BACKUP_CLAIM, mountPath: BACKUP_MOUNT },
        });
        assert.equal(check.code, 0, check.log);
        assert.match(check.log, new RegExp(`${file.replace(/\./g, "\\.")}: OK`));
        const databases = Number(check.log.trim().split("\n").at(-1));
        assert.ok(databases >= databaseOwners().length, `the dump creates ${databases} databases`);
    });

    it("after the databases are lost, the README's restore procedure brings them back row for row", async function () {
        const { live, ws, stack } = system(this);
        // 1. Stop the writers.
        ws.setConfig(stack, { scaleToZero: true });
        const stop = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up with scaleToZero");
        figure("backups", "scaleToZero: pulumi up", `${stop.seconds.toFixed(0)} s`);
        await until("no service pod left", 180, () => (live.pods().some((p) => SERVICES.some((s) => s.name === p.app)) ? undefined : true));
        // The loss: every service database dropped.
        for (const owner of databaseOwners()) live.psql("postgres", `DROP DATABASE "${owner.database}" WITH (FORCE)`);
        assert.equal(live.rows(databaseOwners()[0].database, "pg_class"), undefined, "a database survived its DROP");
        // 2. Restore.
        ws.setConfig(stack, { postgres: { ...ws.configValue(stack, "postgres"), restoreFrom: file } });
        const restore = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 900), "up with restoreFrom");
        figure("backups", "restoreFrom: pulumi up (the restore Job included)", `${restore.seconds.toFixed(0)} s`);
        // 3. Verify.
        assert.match(live.kubectl(["logs", "job/postgres-restore", "-n", live.namespace]), /restored/);
        assert.deepEqual(contents(live), before, "tables after the restore");
        // 4. Back to normal.
        const postgres = ws.configValue(stack, "postgres");
        delete postgres.restoreFrom;
        ws.setConfig(stack, { postgres, scaleToZero: false });
        const back = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 1800), "up after the restore");
        figure("backups", "scaleToZero: false, every service ready again: pulumi up", `${back.seconds.toFixed(0)} s`);
        assert.equal(live.json<{ items: unknown[] }>(["get", "jobs", "-l", "app.kubernetes.io/name=postgres-restore"]).items.length, 0, "the restore Job is still there");
        await live.waitAllReady(300);
        assert.deepEqual(writtenRows(live), { products: 1, orders: 1 }, "the scenario's rows after the restore");
    });

    it("a new imageTag runs the pre-upgrade backup before any Deployment changes, with a ready pod of every service at every moment", async function () {
        const { live, ws, stack } = system(this);
        const oldTag = String((await ws.pulumi(["config", "get", "imageTag", "-s", stack])).stdout).trim();
        const newTag = `${oldTag}-system`;
        // The same images under a new tag, in the node's image store: a release that changes
        // nothing but the tag, so only the roll-out itself is tested.
        tagImages(oldTag, newTag);
        ws.setConfig(stack, { imageTag: newTag });
        const gaps: string[] = [];
        let watching = true;
        const watcher = (async () => {
            while (watching) {
                for (const w of live.workloads()) {
                    if (w.kind === "Deployment" && SERVICES.some((s) => s.name === w.name) && w.ready < 1) gaps.push(`${w.name} at ${new Date().toISOString()}`);
                }
                await sleep(1000);
            }
        })();
        const started = Date.now();
        let up;
        try {
            up = ok(await ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"], 1800), "up with a new imageTag");
        } finally {
            watching = false;
            await watcher;
        }
        figure("backups", "new imageTag: pulumi up (pre-upgrade backup, every service rolled)", `${up.seconds.toFixed(0)} s`);
        assert.deepEqual(gaps, [], "moments a service had no ready pod");
        const jobs = live.json<{ items: { metadata: { name: string }; status: { completionTime?: string } }[] }>(["get", "jobs"]).items.filter((j) => j.metadata.name.startsWith("postgres-pre-upgrade-"));
        const finished = jobs.map((j) => Date.parse(j.status.completionTime ?? "")).filter((t) => t >= started - 1000);
        assert.equal(finished.length, 1, `pre-upgrade Jobs completed during this up: ${jobs.map((j) => j.metadata.name).join(", ")}`);
        const replicaSets = live.json<{ items: { metadata: { creationTimestamp: string; labels?: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } }[] }>(["get", "replicasets"]).items;
        const rolled = replicaSets.filter((rs) => Date.parse(rs.metadata.creationTimestamp) >= started - 1000 && rs.spec.template.spec.containers.some((c) => c.image.endsWith(`:${newTag}`)));
        assert.deepEqual(
            [...new Set(rolled.map((rs) => rs.metadata.labels?.["app.kubernetes.io/name"]))].sort(),
            SERVICES.map((s) => s.name).sort(),
            "services with a ReplicaSet of the new tag from this up",
        );
        const early = rolled.filter((rs) => Date.parse(rs.metadata.creationTimestamp) < finished[0] - 1000).map((rs) => rs.metadata.labels?.["app.kubernetes.io/name"]);
        assert.deepEqual(early, [], "services that changed before the pre-upgrade backup completed");
    });
});

/**
 * Tags every `ecommerce.local/*:<from>` image of the node's containerd (scripts/node/up.sh's;
 * NODE_CONTAINERD_SOCK names another) as `:<to>` too.
 */
function tagImages(from: string, to: string): void {
    const socket = process.env.NODE_CONTAINERD_SOCK ?? path.join(process.env.HOME ?? "/root", ".cache/ecommerce-node/state/containerd/containerd.sock");
    const ctr = (args: string[]) => execFileSync("ctr", ["--address", socket, "-n", "k8s.io", ...args], { encoding: "utf8" });
    const refs = ctr(["images", "ls", "-q"]).split("\n").filter((r) => r.startsWith("ecommerce.local/") && r.endsWith(`:${from}`));
    assert.ok(refs.length >= SERVICES.length, `images tagged ${from} in the node's store: ${refs.length}`);
    for (const ref of refs) ctr(["images", "tag", "--force", ref, `${ref.slice(0, -from.length)}${to}`]);
}
