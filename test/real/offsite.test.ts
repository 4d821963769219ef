/**
 * Off-site backups for real: backup.sh and offsite.sh (rclone) against a real PostgreSQL
 * and a real S3-compatible server on loopback (test/real/s3-server.ts), as the backup Jobs
 * and the restore Job run them. The round trip a lost cluster needs: dump, upload, lose
 * every local copy, fetch from the bucket, restore, and find every row. And each way it can
 * go wrong fails loudly and deletes nothing.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { requireInstalled } from "./installed";
import { exposed, STRACE, traced } from "./argv";
import { fingerprints, psql, seed, sh, DATABASES } from "./pg-scripts";
import { postgresBinDir, startPostgres, type PgServer } from "./postgres-server";
import { offsiteEnv as declaredEnv, offsiteSecretData } from "../../components/postgres/offsite";
import type { OffsiteSettings } from "../../settings";
import { rcloneEnv, rcloneInstalled, startS3Server, versitygwBinary, type S3Server } from "./s3-server";

const dumps = (keys: string[]) => keys.filter((k) => /\/full_backup_[^/]*\.sql\.gz$/.test(k));

describe("off-site backups against a real S3-compatible server", function () {
    this.timeout(120_000);
    let pg: PgServer;
    let s3: S3Server;
    let dir: string;
    let backups: string;
    let restoreDir: string;
    /** A folder of its own in the bucket for each test. */
    let PREFIX: string;
    let tests = 0;

    before(async function () {
        const bin = postgresBinDir();
        requireInstalled(this, bin, "PostgreSQL", "postgresql");
        requireInstalled(this, rcloneInstalled(), "rclone", "rclone", "the off-site copy's client");
        const gateway = versitygwBinary();
        if (!gateway && !process.env.CI) {
            console.log("    (no S3 server: bash scripts/build-go-tool.sh versitygw to run these)");
            this.skip();
        }
        assert.ok(gateway, "versitygw is not built; .ci/run must run scripts/build-go-tool.sh versitygw and export VERSITYGW");
        pg = await startPostgres(bin);
        s3 = await startS3Server(gateway);
    });
    after(() => {
        pg?.stop();
        s3?.stop();
    });
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "offsite-"));
        backups = path.join(dir, "backups");
        restoreDir = path.join(dir, "restore");
        fs.mkdirSync(backups);
        PREFIX = `prod-${++tests}/postgres`;
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /**
     * What the Jobs give offsite.sh: the environment the component declares
     * (components/postgres/offsite.ts), its Secret's keys written as the files it mounts.
     */
    function offsiteEnv(over: NodeJS.ProcessEnv = {}, settings: Partial<OffsiteSettings> = {}): NodeJS.ProcessEnv {
        const o: OffsiteSettings = {
            endpoint: s3.endpoint,
            bucket: s3.bucket,
            prefix: PREFIX,
            region: "us-east-1",
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
            serverSideEncryption: "AES256",
            retention: 3,
            image: "docker.io/rclone/rclone:1.68.2",
            ...settings,
        };
        const secrets = fs.mkdtempSync(path.join(dir, "secrets-"));
        for (const [key, value] of Object.entries(offsiteSecretData(o))) {
            fs.writeFileSync(path.join(secrets, key), value, { mode: 0o400 });
        }
        return {
            ...declaredEnv(o, secrets),
            // The machine's CA bundle variable makes rclone's S3 client refuse a plain-HTTP endpoint.
            AWS_CA_BUNDLE: "",
            HOME: dir,
            XDG_CACHE_HOME: dir,
            BACKUP_DIR: backups,
            RESTORE_DIR: restoreDir,
            ...over,
        };
    }
    const backup = () => {
        const r = sh("backup.sh", { ...pg.env, BACKUP_DIR: backups, BACKUP_RETENTION: "3" });
        assert.equal(r.status, 0, r.stderr);
        return fs.readFileSync(path.join(backups, ".latest"), "utf8").trim();
    };
    const offsite = (verb: string, env: NodeJS.ProcessEnv) => sh(`offsite.sh`, env, [verb]);
    const bucketState = () => s3.keys(PREFIX).map((k) => `${k}:${fs.statSync(s3.fileOf(k)).size}`);

    it("dump, upload, lose every local copy, fetch from the bucket, restore: every row and checksum back", () => {
        seed(pg);
        const before = fingerprints(pg);
        const name = backup();
        const up = offsite("upload", offsiteEnv());
        assert.equal(up.status, 0, up.stderr);
        assert.deepEqual(s3.keys(PREFIX), [`${PREFIX}/${name}`, `${PREFIX}/${name}.sha256`]);

        // The cluster is gone: its volume with every local backup, and the databases.
        fs.rmSync(backups, { recursive: true, force: true });
        for (const db of DATABASES) psql(pg, "postgres", `DROP DATABASE ${db}`);

        const fetched = offsite("fetch", offsiteEnv({ OFFSITE_OBJECT: name }));
        assert.equal(fetched.status, 0, fetched.stderr);
        assert.match(fetched.stdout, /checksum verified/);
        const restored = sh("restore.sh", { ...pg.env, RESTORE_FILE: path.join(restoreDir, name) });
        assert.equal(restored.status, 0, restored.stderr);
        assert.deepEqual(fingerprints(pg), before);
    });

    it("with a client-side key, the store holds no readable byte of the dump, and the key brings it back", () => {
        seed(pg);
        const name = backup();
        const key = { encryptionKey: "correct horse battery staple 42" };
        assert.equal(offsite("upload", offsiteEnv({}, key)).status, 0);
        const stored = fs.readFileSync(s3.fileOf(`${PREFIX}/${name}.bin`));
        const plain = fs.readFileSync(path.join(backups, name));
        assert.ok(stored.length > plain.length, "the stored object is the encrypted one");
        assert.ok(!stored.includes(plain.subarray(0, 64)), "no run of the gzip stream is stored as is");
        assert.notDeepEqual(stored.subarray(0, 2), Buffer.from([0x1f, 0x8b]), "not a gzip file");

        const fetched = offsite("fetch", offsiteEnv({ OFFSITE_OBJECT: name }, key));
        assert.equal(fetched.status, 0, fetched.stderr);
        assert.deepEqual(fs.readFileSync(path.join(restoreDir, name)), plain);
        const wrongKey = offsite("fetch", offsiteEnv({ OFFSITE_OBJECT: name, RESTORE_DIR: path.join(dir, "other") }, { encryptionKey: "not the key, also long" }));
        assert.notEqual(wrongKey.status, 0);
        assert.ok(!fs.existsSync(path.join(dir, "other", name)), "nothing undecryptable is left to restore");
    });

    it("puts neither the client-side key nor the store's credentials on a command line (under strace)", function () {
        requireInstalled(this, STRACE, "strace", "strace", "records the command lines the scripts start");
        seed(pg);
        const name = backup();
        const key = { encryptionKey: "correct horse battery staple 42" };
        const secrets = { encryptionKey: key.encryptionKey, secretAccessKey: s3.secretAccessKey };
        const up = traced("offsite.sh", offsiteEnv({}, key), ["upload"]);
        assert.equal(up.status, 0, up.stderr);
        const fetched = traced("offsite.sh", offsiteEnv({ OFFSITE_OBJECT: name }, key), ["fetch"]);
        assert.equal(fetched.status, 0, fetched.stderr);
        const execs = [...up.execs, ...fetched.execs];
        assert.ok(execs.some((l) => l.includes('"obscure"')), "rclone obscure not seen");
        assert.deepEqual(exposed(execs, secrets), [], execs.filter((l) => l.includes("rclone")).join("\n"));
    });

    it("keeps exactly the newest N dumps in the bucket, with their checksums, and nothing else is touched", () => {
        const older = ["20250101T020000Z", "20250102T020000Z", "20250103T020000Z_pre-upgrade-0a1b2c3d", "20250104T020000Z"].map((s) => `full_backup_${s}.sql.gz`);
        for (const f of older) {
            fs.mkdirSync(path.dirname(s3.fileOf(`${PREFIX}/${f}`)), { recursive: true });
            fs.writeFileSync(s3.fileOf(`${PREFIX}/${f}`), "an older dump");
            fs.writeFileSync(s3.fileOf(`${PREFIX}/${f}.sha256`), "x");
        }
        fs.writeFileSync(s3.fileOf(`${PREFIX}/README.txt`), "not a dump");
        const name = backup();
        const up = offsite("upload", offsiteEnv());
        assert.equal(up.status, 0, up.stderr);
        const kept = dumps(s3.keys(PREFIX)).map((k) => path.basename(k));
        assert.deepEqual(kept, [older[2], older[3], name]);
        for (const k of kept) assert.ok(s3.keys(PREFIX).includes(`${PREFIX}/${k}.sha256`), k);
        assert.ok(!s3.keys(PREFIX).includes(`${PREFIX}/${older[0]}.sha256`), "a pruned dump's checksum goes with it");
        assert.ok(s3.keys(PREFIX).includes(`${PREFIX}/README.txt`));
    });

    it("fails an upload to an unreachable store, keeping every local backup and every object", () => {
        backup();
        assert.equal(offsite("upload", offsiteEnv()).status, 0);
        const bucket = bucketState();
        const local = fs.readdirSync(backups).sort();
        backup();
        const down = offsite("upload", offsiteEnv({}, { endpoint: "http://127.0.0.1:1", retention: 1 }));
        assert.notEqual(down.status, 0);
        assert.match(down.stderr, /upload of full_backup_\S+ failed; nothing in the bucket was deleted/);
        assert.deepEqual(bucketState(), bucket);
        assert.ok(local.every((f) => fs.existsSync(path.join(backups, f)) || f === ".latest"), "no local backup deleted");
    });

    it("fails with wrong credentials, deleting nothing", () => {
        backup();
        assert.equal(offsite("upload", offsiteEnv()).status, 0);
        const bucket = bucketState();
        backup();
        const wrong = offsite("upload", offsiteEnv({}, { secretAccessKey: "not-the-secret", retention: 1 }));
        assert.notEqual(wrong.status, 0);
        assert.match(wrong.stderr, /SignatureDoesNotMatch|AccessDenied|403/);
        assert.deepEqual(bucketState(), bucket);
    });

    it("refuses to restore an object that is not in the bucket, listing those that are", () => {
        const name = backup();
        assert.equal(offsite("upload", offsiteEnv()).status, 0);
        const missing = offsite("fetch", offsiteEnv({ OFFSITE_OBJECT: "full_backup_20990101T000000Z.sql.gz" }));
        assert.notEqual(missing.status, 0);
        assert.match(missing.stderr, /could not fetch full_backup_20990101T000000Z\.sql\.gz; dumps in the bucket:/);
        assert.match(missing.stderr, new RegExp(name.replace(/\./g, "\\.")));
        assert.ok(!fs.existsSync(path.join(restoreDir, "full_backup_20990101T000000Z.sql.gz")));
    });

    it("refuses a corrupted object before anything is dropped: fetch fails, and restore.sh checks the checksum too", () => {
        seed(pg);
        const before = fingerprints(pg);
        const name = backup();
        assert.equal(offsite("upload", offsiteEnv()).status, 0);
        const object = s3.fileOf(`${PREFIX}/${name}`);
        const bytes = fs.readFileSync(object);
        bytes[Math.floor(bytes.length / 2)] ^= 0xff;
        fs.writeFileSync(object, bytes);

        // Damaged at rest: the store's own MD5 no longer matches, and rclone refuses the transfer.
        const fetched = offsite("fetch", offsiteEnv({ OFFSITE_OBJECT: name }));
        assert.notEqual(fetched.status, 0);
        assert.match(fetched.stderr, /corrupted/);
        assert.ok(!fs.existsSync(path.join(restoreDir, name)), "the corrupted copy is not left to restore");

        // Replaced through the API (a consistent object, other bytes): only the checksum beside it tells.
        const other = path.join(dir, "other.sql.gz");
        fs.writeFileSync(other, bytes);
        const put = spawnSync("rclone", ["copyto", other, `s3:${s3.bucket}/${PREFIX}/${name}`], { env: { ...process.env, ...rcloneEnv(s3) }, encoding: "utf8" });
        assert.equal(put.status, 0, put.stderr);
        const replaced = offsite("fetch", offsiteEnv({ OFFSITE_OBJECT: name }));
        assert.notEqual(replaced.status, 0);
        assert.match(replaced.stderr, /does not match its checksum: the copy in the bucket is corrupted; nothing restored/);
        assert.ok(!fs.existsSync(path.join(restoreDir, name)), "the replaced copy is not left to restore");

        // The same check in restore.sh, for a local copy damaged on the volume.
        fs.mkdirSync(restoreDir, { recursive: true });
        fs.writeFileSync(path.join(restoreDir, name), bytes);
        fs.copyFileSync(path.join(backups, `${name}.sha256`), path.join(restoreDir, `${name}.sha256`));
        const restore = sh("restore.sh", { ...pg.env, RESTORE_FILE: path.join(restoreDir, name) });
        assert.notEqual(restore.status, 0);
        assert.match(restore.stderr, /does not match its checksum/);
        assert.deepEqual(fingerprints(pg), before, "nothing was dropped");
    });

    it("uploads nothing when the dump failed, and says why", () => {
        const failed = sh("backup.sh", { ...pg.env, PGPORT: "1", BACKUP_DIR: backups, BACKUP_RETENTION: "3", WAIT_SECONDS: "2" });
        assert.notEqual(failed.status, 0);
        assert.match(failed.stderr, /not ready after 2s/);
        const up = offsite("upload", offsiteEnv());
        assert.notEqual(up.status, 0);
        assert.match(up.stderr, /no dump to upload/);
        assert.deepEqual(s3.keys(PREFIX), []);
    });
});
