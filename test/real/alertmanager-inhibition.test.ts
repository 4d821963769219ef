/**
 * Inhibition as Alertmanager applies it: the real Alertmanager (Debian's
 * `prometheus-alertmanager`) runs the generated configuration on loopback, alerts are posted
 * to its API as Prometheus posts them, and its own view says which are suppressed. A service
 * that is down (P0) silences its own symptoms (errors, latency, heap), and nobody else's.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { SERVICE_LABEL } from "../../catalog/observability";
import { OUTAGE } from "../../components/observability/prometheus-config";
import { alertmanagerFile } from "../observability-files";
import { declare } from "../support";
import { requireInstalled } from "./installed";
import { MANUAL_ALERT_SEVERITY } from "../sources";
import { freePort } from "./ports";

const BINARY = process.env.ALERTMANAGER ?? "prometheus-alertmanager";
const available = spawnSync(BINARY, ["--version"]).status === 0;

interface Alert {
    labels: Record<string, string>;
    status: { state: string; inhibitedBy: string[] };
}

describe("inhibition in the real Alertmanager, with the generated configuration", function () {
    this.timeout(60_000);
    let dir: string;
    let server: ChildProcess | undefined;
    let url: string;

    before(async function () {
        requireInstalled(this, available, "Alertmanager", "prometheus-alertmanager");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "alertmanager-"));
        fs.writeFileSync(path.join(dir, "alertmanager.yml"), stringify(alertmanagerFile(await declare({ stack: "prod" }))));
        const port = await freePort();
        const cluster = await freePort();
        url = `http://127.0.0.1:${port}`;
        server = spawn(BINARY, [
            `--config.file=${path.join(dir, "alertmanager.yml")}`,
            `--storage.path=${path.join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${port}`,
            `--cluster.listen-address=127.0.0.1:${cluster}`,
        ]);
        let log = "";
        server.stderr!.on("data", (d: Buffer) => (log += d.toString()));
        for (const end = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 200))) {
            const ready = await fetch(`${url}/-/ready`).then((r) => r.ok).catch(() => false);
            if (ready) break;
            if (Date.now() > end || server.exitCode !== null) assert.fail(`Alertmanager did not start: ${log}`);
        }
    });
    after(() => {
        server?.kill();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const post = async (alerts: { alertname: string; service: string }[]) => {
        const body = alerts.map(({ alertname, service }) => ({ labels: { alertname, severity: MANUAL_ALERT_SEVERITY[alertname]!, [SERVICE_LABEL]: service }, startsAt: new Date().toISOString() }));
        const r = await fetch(`${url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        assert.equal(r.status, 200, await r.text());
    };
    const state = async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as Alert[];
    const find = (alerts: Alert[], alertname: string, service: string) => alerts.find((a) => a.labels.alertname === alertname && a.labels[SERVICE_LABEL] === service);

    it("suppresses a down service's own symptoms, and keeps another service's and the outage itself", async () => {
        await post([
            { alertname: OUTAGE.alert, service: "order-service" },
            ...OUTAGE.symptoms.map((alertname) => ({ alertname, service: "order-service" })),
            ...OUTAGE.symptoms.map((alertname) => ({ alertname, service: "user-service" })),
        ]);
        // Inhibition is evaluated when Alertmanager lists the alerts; give it a moment to take them in.
        let alerts: Alert[] = [];
        for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
            alerts = await state();
            if (alerts.length === 1 + 2 * OUTAGE.symptoms.length && OUTAGE.symptoms.every((s) => find(alerts, s, "order-service")?.status.state === "suppressed")) break;
        }
        assert.equal(alerts.length, 1 + 2 * OUTAGE.symptoms.length, JSON.stringify(alerts.map((a) => a.labels)));
        assert.equal(find(alerts, OUTAGE.alert, "order-service")?.status.state, "active");
        for (const symptom of OUTAGE.symptoms) {
            const own = find(alerts, symptom, "order-service")!;
            assert.equal(own.status.state, "suppressed", `${symptom} of the down service`);
            assert.equal(own.status.inhibitedBy.length, 1);
            assert.equal(find(alerts, symptom, "user-service")?.status.state, "active", `${symptom} of a service that is up`);
        }
    });
});
