/**
 * An S3-compatible server on loopback for the off-site backup tests: the Versity S3 Gateway
 * (versitygw) with its posix backend, built from the Go module proxy by
 * `bash scripts/build-go-tool.sh versitygw` (CI does). Chosen because it installs from the
 * registries this project can use and, unlike the npm fakes (s3rver accepts any SigV4
 * signature), verifies request signatures, so a wrong secret fails as on AWS. Objects are
 * plain files under `root/<bucket>/`, so a test can corrupt one as a disk or a person would.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { freePort } from "./ports";

export interface S3Server {
    readonly endpoint: string;
    readonly bucket: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    /** Where an object of the bucket is on disk. */
    fileOf(key: string): string;
    /** The bucket's keys under a prefix, sorted. */
    keys(prefix?: string): string[];
    stop(): void;
}

/** The versitygw binary: $VERSITYGW, the build script's cache, or PATH; undefined if none. */
export function versitygwBinary(): string | undefined {
    if (process.env.VERSITYGW && fs.existsSync(process.env.VERSITYGW)) {
        return process.env.VERSITYGW;
    }
    const cacheRoot = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "ecommerce-platform");
    const cached = fs.existsSync(cacheRoot) ? fs.readdirSync(cacheRoot).filter((d) => d.startsWith("versitygw-")).map((d) => path.join(cacheRoot, d, "versitygw")) : [];
    const found = cached.find((f) => fs.existsSync(f));
    if (found) {
        return found;
    }
    return spawnSync("versitygw", ["--version"]).status === 0 ? "versitygw" : undefined;
}

/** rclone's environment for a remote `s3:` on the server, to act on the bucket as another client would. */
export function rcloneEnv(server: S3Server): NodeJS.ProcessEnv {
    return {
        AWS_CA_BUNDLE: "",
        RCLONE_CONFIG: "/dev/null",
        RCLONE_S3_NO_CHECK_BUCKET: "true",
        RCLONE_CONFIG_S3_TYPE: "s3",
        RCLONE_CONFIG_S3_PROVIDER: "Other",
        RCLONE_CONFIG_S3_ENDPOINT: server.endpoint,
        RCLONE_CONFIG_S3_ACCESS_KEY_ID: server.accessKeyId,
        RCLONE_CONFIG_S3_SECRET_ACCESS_KEY: server.secretAccessKey,
        RCLONE_CONFIG_S3_FORCE_PATH_STYLE: "true",
    };
}

export const rcloneInstalled = (): boolean => spawnSync("rclone", ["version"]).status === 0;

function accepting(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => socket.end(() => resolve(true)));
        socket.once("error", () => resolve(false));
    });
}

export async function startS3Server(binary: string, bucket = "ecommerce-backups"): Promise<S3Server> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "s3-"));
    fs.mkdirSync(path.join(root, bucket));
    const port = await freePort();
    const accessKeyId = "AKIAOFFSITETEST";
    const secretAccessKey = "offsite-test-secret-0123456789";
    const child: ChildProcess = spawn(binary, ["--access", accessKeyId, "--secret", secretAccessKey, "--port", `127.0.0.1:${port}`, "--quiet", "posix", root], {
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 100 && !(await accepting(port)); i++) {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
    }
    if (!(await accepting(port))) {
        child.kill("SIGKILL");
        throw new Error(`versitygw did not start on 127.0.0.1:${port}: ${stderr}`);
    }
    const walk = (dir: string, base: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith(".")).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${base}${e.name}/`) : [`${base}${e.name}`]));
    return {
        endpoint: `http://127.0.0.1:${port}`,
        bucket,
        accessKeyId,
        secretAccessKey,
        fileOf: (key) => path.join(root, bucket, ...key.split("/")),
        keys: (prefix = "") => walk(path.join(root, bucket), "").filter((k) => k.startsWith(prefix)).sort(),
        stop: () => {
            child.kill("SIGTERM");
            fs.rmSync(root, { recursive: true, force: true });
        },
    };
}
