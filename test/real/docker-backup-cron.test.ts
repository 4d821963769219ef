/**
 * The local (Docker) stack's scheduled backup, run as its container runs it: the generated
 * entry command writes the environment file and the crontab, and busybox crond later runs
 * the crontab's line with no environment of the container (only what `env -i` leaves and a
 * PATH), against the real PostgreSQL server. A dump appears with its checksum, and the
 * retention applies. The container's paths (/scripts, /etc/crontabs/root, /proc/1/fd/1)
 * are mapped into a temporary folder; nothing else of the command is changed.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { revealSecrets } from "../../offline/manifests";
import { declare } from "../support";
import { BUSYBOX, busyboxShell } from "./busybox";
import { requireInstalled } from "./installed";
import { postgresBinDir, startPostgres, type PgServer } from "./postgres-server";

const bin = postgresBinDir();

interface BackupContainer {
    envs: string[];
    command: string[];
    entrypoints: string[];
    uploads: { file: string; content: string }[];
}

describe("the local stack's scheduled backup, as busybox crond runs it", function () {
    this.timeout(120_000);
    let server: PgServer;
    let dir: string;

    before(async function () {
        requireInstalled(this, bin, "PostgreSQL", "postgresql");
        requireInstalled(this, BUSYBOX, "busybox", "busybox", "crond's shell in the container");
        server = await startPostgres(bin);
    });
    after(() => server?.stop());
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "docker-cron-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes a dump with its checksum on each run, and keeps the newest BACKUP_RETENTION", async () => {
        const d = await declare({ stack: "local" });
        const resource = d.resources.find((r) => r.type.startsWith("docker:index/container:") && r.name.endsWith("postgres-backup"));
        assert.ok(resource, "no postgres-backup container in the local stack");
        const container = revealSecrets(resource.inputs) as BackupContainer;
        const map = (text: string) =>
            text.replaceAll("/scripts/", `${dir}/scripts/`).replaceAll("/etc/crontabs", `${dir}/crontabs`).replaceAll("/proc/1/fd/1", `${dir}/cron.log`);

        // The files the container is created with.
        fs.mkdirSync(path.join(dir, "scripts"));
        for (const upload of container.uploads) {
            assert.ok(upload.file.startsWith("/scripts/"), upload.file);
            fs.writeFileSync(map(upload.file), upload.content);
        }
        const backups = path.join(dir, "backups");
        fs.mkdirSync(backups);
        // The container's environment, pointed at the test server and folder.
        const declared = Object.fromEntries(container.envs.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
        assert.equal(declared.BACKUP_DIR, "/backups");
        const env = { ...declared, ...server.env, BACKUP_DIR: backups, BACKUP_RETENTION: "2" };

        // The entry command, up to where it hands over to crond.
        assert.deepEqual(container.entrypoints, ["sh", "-c"]);
        const entry = container.command[0]!;
        // crond as root (it changes to the crontab's user), reading the folder the command writes.
        assert.match(entry, /exec crond -f .*-c \/etc\/crontabs$/);
        assert.equal((container as BackupContainer & { user?: string }).user, "root");
        const shell = busyboxShell(env);
        const setup = spawnSync(shell.command, [...shell.prefix, "-c", map(entry).replace(/exec crond -f.*$/, "true")], { env: { PATH: shell.env.PATH, ...env }, encoding: "utf8" });
        assert.equal(setup.status, 0, setup.stderr);
        const lines = fs.readFileSync(path.join(dir, "crontabs", "root"), "utf8").trim().split("\n");
        assert.equal(lines.length, 1, lines.join("\n"));
        const fields = lines[0]!.split(" ");
        assert.equal(fields.slice(0, 5).join(" "), declared.BACKUP_SCHEDULE, "the crontab's schedule is not the stack's");
        const job = fields.slice(5).join(" ");

        // What crond runs: /bin/sh -c <job>, with none of the container's environment.
        const run = () => spawnSync("env", ["-i", "HOME=/root", "SHELL=/bin/sh", "USER=root", "LOGNAME=root", `PATH=${BUSYBOX}:/usr/bin:/bin`, "busybox", "sh", "-c", job], { encoding: "utf8" });
        const dumps = () => fs.readdirSync(backups).filter((f) => /^full_backup_.*\.sql\.gz$/.test(f)).sort();
        for (let i = 0; i < 3; i++) {
            if (i > 0) await new Promise((r) => setTimeout(r, 1100)); // one dump name per second
            const r = run();
            assert.equal(r.status, 0, `run ${i + 1}: ${r.stderr}\n${fs.existsSync(path.join(dir, "cron.log")) ? fs.readFileSync(path.join(dir, "cron.log"), "utf8") : ""}`);
            assert.equal(dumps().length, Math.min(i + 1, 2), `after run ${i + 1}: ${fs.readdirSync(backups).join(", ")}`);
        }
        for (const dump of dumps()) {
            const verified = spawnSync("sha256sum", ["-c", `${dump}.sha256`], { cwd: backups, encoding: "utf8" });
            assert.equal(verified.status, 0, verified.stdout + verified.stderr);
        }
        assert.match(fs.readFileSync(path.join(dir, "cron.log"), "utf8"), /full_backup_/);
    });
});
