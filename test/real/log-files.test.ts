/**
 * The log shipper runs as root with every capability dropped (components/observability/logging.ts).
 * Here, as that process is: root under `setpriv` with empty bounding, inheritable and
 * ambient sets and no_new_privs, reading container log files laid out as containerd (the
 * kubelet's /var/log/pods, linked from /var/log/containers) and Docker
 * (/var/lib/docker/containers/<id>/<id>-json.log) lay them out: owned by root, 0640 in
 * 0755/0710 directories. It reads them all; and it cannot read another user's 0600 file,
 * which shows the capabilities that would bypass file modes are really gone.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { requireInstalled } from "./installed";

const SETPRIV = spawnSync("setpriv", ["--version"]).status === 0;
const NO_CAPABILITIES = ["--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all", "--no-new-privs", "--"];

/** Runs a command as root with no capability at all, as the shipper's container does. */
function withoutCapabilities(command: string, args: readonly string[]) {
    return spawnSync("setpriv", [...NO_CAPABILITIES, command, ...args], { encoding: "utf8" });
}

describe("the log shipper's files, read as root with no capability", function () {
    let root: string;

    before(function () {
        if (process.getuid?.() !== 0) {
            if (process.env.CI) throw new Error("CI runs as root; these tests need it");
            console.log("    (not root: run as root to check the log shipper's file access)");
            this.skip();
        }
        requireInstalled(this, SETPRIV, "setpriv", "util-linux");
    });
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "node-logs-"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    /** A directory chain and file with the given modes, owned by root as the runtimes create them. */
    const lay = (dirs: [string, number][], file: string, mode: number) => {
        let at = root;
        for (const [name, dirMode] of dirs) {
            at = path.join(at, name);
            fs.mkdirSync(at, { recursive: true });
            fs.chmodSync(at, dirMode);
        }
        const target = path.join(at, file);
        fs.writeFileSync(target, `{"log":"line of ${file}\\n"}\n`);
        fs.chmodSync(target, mode);
        return target;
    };

    it("has no capability left (the sanity check of the rest)", () => {
        const status = withoutCapabilities("cat", ["/proc/self/status"]);
        assert.equal(status.status, 0, status.stderr);
        for (const set of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) {
            assert.match(status.stdout, new RegExp(`^${set}:\\s+0+$`, "m"), set);
        }
        assert.match(status.stdout, /^Uid:\s+0\s+0/m);
    });

    it("reads containerd's pod logs, through the kubelet's /var/log/containers link too", () => {
        const file = lay([["var", 0o755], ["log", 0o755], ["pods", 0o755], ["dev_order-service-7d9_0f1e2d3c", 0o755], ["order-service", 0o755]], "0.log", 0o640);
        const links = path.join(root, "var", "log", "containers");
        fs.mkdirSync(links, { mode: 0o755 });
        const link = path.join(links, "order-service-7d9_dev_order-service-abc123.log");
        fs.symlinkSync(file, link);
        for (const f of [file, link]) {
            const read = withoutCapabilities("cat", [f]);
            assert.equal(read.status, 0, read.stderr);
            assert.match(read.stdout, /line of 0\.log/);
        }
    });

    it("reads Docker's json-file logs in their 0710 directory", () => {
        const id = "4f".repeat(32);
        const file = lay([["var", 0o755], ["lib", 0o755], ["docker", 0o710], ["containers", 0o700], [id, 0o710]], `${id}-json.log`, 0o640);
        const read = withoutCapabilities("cat", [file]);
        assert.equal(read.status, 0, read.stderr);
        assert.match(read.stdout, /-json\.log/);
    });

    it("cannot read another user's private file, as it could with DAC_READ_SEARCH", () => {
        const file = lay([["other", 0o755]], "private.log", 0o600);
        fs.chownSync(file, 12345, 12345);
        const denied = withoutCapabilities("cat", [file]);
        assert.notEqual(denied.status, 0);
        assert.match(denied.stderr, /Permission denied/);
        const withCapability = spawnSync("setpriv", ["--inh-caps=-all,+dac_read_search", "--ambient-caps=-all,+dac_read_search", "--bounding-set=-all,+dac_read_search", "--", "cat", file], { encoding: "utf8" });
        assert.equal(withCapability.status, 0, `with DAC_READ_SEARCH the file is readable: ${withCapability.stderr}`);
    });
});
