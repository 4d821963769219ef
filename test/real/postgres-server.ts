/**
 * A throwaway PostgreSQL server on loopback for the backup/restore tests, from the
 * distribution's binaries. initdb refuses to run as root, so as root (CI) the server runs as
 * the `postgres` system user. Clients connect over TCP with a password, as in the cluster.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "./ports";

export interface PgServer {
    readonly port: number;
    readonly password: string;
    /** libpq environment for the superuser. */
    readonly env: NodeJS.ProcessEnv;
    readonly dir: string;
    /** Stops the server, runs `step` with the data directory and a way to run commands as its owner, starts it again. */
    whileStopped(step: (data: string, asOwner: (file: string, args: string[], env?: NodeJS.ProcessEnv) => void) => void): void;
    stop(): void;
}

/** Directory holding initdb and pg_ctl, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
    const root = "/usr/lib/postgresql";
    if (!fs.existsSync(root)) {
        return undefined;
    }
    const versions = fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? path.join(root, versions[0]!, "bin") : undefined;
}

export async function startPostgres(bin: string): Promise<PgServer> {
    const asRoot = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-test-"));
    const data = path.join(dir, "data");
    const password = "TestSuperuserPassword0";
    fs.writeFileSync(path.join(dir, "pwfile"), password);
    if (asRoot) {
        fs.chmodSync(dir, 0o755);
        execFileSync("chown", ["-R", "postgres:postgres", dir]);
    }
    const asOwner = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
        const withEnv = Object.entries(env).map(([k, v]) => `${k}=${v ?? ""}`);
        const [cmd, argv] = asRoot
            ? ["runuser", ["-u", "postgres", "--", "env", `PATH=${bin}:${process.env.PATH}`, ...withEnv, file, ...args]]
            : ["env", [`PATH=${bin}:${process.env.PATH}`, ...withEnv, file, ...args]];
        const result = spawnSync(cmd, argv, { encoding: "utf8", cwd: dir });
        if (result.status !== 0) {
            throw new Error(`${file} failed: ${result.stderr || result.stdout}`);
        }
    };
    const run = (cmd: string, args: string[]) => asOwner(path.join(bin, cmd), args);
    run("initdb", ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${path.join(dir, "pwfile")}`, "-E", "UTF8"]);
    const port = await freePort();
    const start = () => run("pg_ctl", ["-D", data, "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`, "start"]);
    start();
    return {
        port,
        password,
        dir,
        env: { PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: "postgres", PGPASSWORD: password },
        whileStopped: (step) => {
            run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
            try {
                step(data, asOwner);
            } finally {
                start();
            }
        },
        stop: () => {
            run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
