/**
 * Issue 15: alerts reach people. Alertmanager declared on every target, Prometheus sending
 * to it, routing by the manual's SLA (10.2) and support levels (10.1), receivers from config
 * with their credentials kept secret, and what is refused. amtool's own checks of the
 * generated file are in test/real/amtool.test.ts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { parse } from "yaml";
import { SEVERITIES, SLA, SUPPORT_LEVELS } from "../catalog/observability";
import { parsePrometheusDuration } from "../lib/durations";
import { withoutSecrets } from "../offline/manifests";
import { silentNotice } from "../components/observability/alerting";
import { canConnect, EXTERNAL, podsOf } from "./network-eval";
import { alertmanagerFile, prometheusFiles } from "./observability-files";
import { declare, find, ofKind, podTemplate, recorded, refusal, type Declared } from "./support";

const minutes = (d: string) => parsePrometheusDuration(d)! / 60_000;

/** A receiver of each kind at every level, with credentials that are easy to look for. */
const CREDENTIAL = "s3cr3t-t0ken";
const ALL_KINDS = {
    smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com", username: "alerts", password: `${CREDENTIAL}-smtp` },
    L1: { email: ["devops@example.com"], slack: [{ url: `https://hooks.slack.com/services/${CREDENTIAL}-slack`, channel: "#devops" }] },
    L2: { pagerduty: [{ routingKey: `${CREDENTIAL}-pagerduty` }] },
    L3: { webhook: [{ url: `https://chat.example.com:8443/hooks/${CREDENTIAL}-webhook` }] },
};

for (const stack of ["dev", "prod"]) {
    describe(`${stack} stack: Alertmanager`, () => {
        let d: Declared;
        beforeEach(async () => {
            d = await declare({ stack });
        });

        it("runs as a StatefulSet keeping silences on a volume, behind a Service on 9093, with probes", () => {
            const sts = find(d.objects, "StatefulSet", "alertmanager");
            const spec = sts.spec as { volumeClaimTemplates: unknown[] };
            assert.equal(spec.volumeClaimTemplates.length, 1);
            const container = podTemplate(sts)!.spec.containers[0]!;
            assert.ok(container.command === undefined);
            const args = (container as unknown as { args: string[] }).args;
            assert.ok(args.includes("--storage.path=/alertmanager"), args.join(" "));
            assert.ok(container.volumeMounts!.some((m) => m.mountPath === "/alertmanager"));
            assert.equal(container.readinessProbe!.httpGet!.path, "/-/ready");
            assert.equal(container.livenessProbe!.httpGet!.path, "/-/healthy");
            const svc = find(d.objects, "Service", "alertmanager").spec as { ports: { port: number }[] };
            assert.deepEqual(svc.ports.map((p) => p.port), [9093]);
        });

        it("is where Prometheus sends its alerts", () => {
            const { config } = prometheusFiles(d) as unknown as { config: { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } } };
            assert.deepEqual(config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets)), ["alertmanager:9093"]);
        });

        it("routes each severity with reminders well inside its SLA response time", () => {
            const { route } = alertmanagerFile(d);
            for (const severity of SEVERITIES) {
                const child = route.routes!.find((r) => r.matchers?.includes(`severity="${severity}"`));
                assert.ok(child, severity);
                const within = minutes(SLA[severity].within);
                // A missed notification comes again at least twice before the response time runs out.
                assert.ok(minutes(child.repeat_interval!) <= within / 3, `${severity} repeats every ${child.repeat_interval}`);
                assert.ok(minutes(child.group_wait!) < within / 10, `${severity} first notification after ${child.group_wait}`);
            }
            const p0 = route.routes!.find((r) => r.matchers?.includes('severity="P0"'))!;
            assert.ok(minutes(p0.repeat_interval!) <= 5);
            const p3 = route.routes!.find((r) => r.matchers?.includes('severity="P3"'))!;
            assert.ok(minutes(p3.repeat_interval!) <= 24 * 60 && minutes(p3.repeat_interval!) >= 60);
        });

        it("groups by service, and holds back every per-service symptom while the service is down", () => {
            const am = alertmanagerFile(d);
            assert.ok(am.route.group_by!.includes("service") && am.route.group_by!.includes("alertname"));
            const { rules } = prometheusFiles(d);
            const names = new Set(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)));
            assert.ok(names.has("ServiceDown"));
            const [inhibit] = am.inhibit_rules;
            assert.deepEqual(inhibit!.source_matchers, ['alertname="ServiceDown"']);
            assert.deepEqual(inhibit!.equal, ["service"]);
            const targets = /^alertname=~"(.*)"$/.exec(inhibit!.target_matchers[0]!)![1]!.split("|").sort();
            // Every other alert the rules define, read from the rules file, not from the generator.
            assert.deepEqual(targets, [...names].filter((n) => n !== "ServiceDown").sort());
        });

        it("has a receiver per support level, silent (UI only) while config names none", () => {
            const am = alertmanagerFile(d);
            assert.equal(am.receivers.length, Object.keys(SUPPORT_LEVELS).length);
            for (const receiver of am.receivers) {
                assert.deepEqual(Object.keys(receiver), ["name"], `${receiver.name} notifies nobody by default`);
            }
        });

        it("may reach no address outside the cluster until a receiver needs one", () => {
            const pods = new Map(podsOf(d.objects).map((p) => [p.name, p]));
            assert.ok(canConnect(d.objects, pods.get("prometheus")!, pods.get("alertmanager")!, 9093), "prometheus -> alertmanager");
            assert.ok(!canConnect(d.objects, pods.get("grafana")!, pods.get("alertmanager")!, 9093), "grafana has no business there");
            for (const port of [25, 443, 587]) {
                assert.ok(!canConnect(d.objects, pods.get("alertmanager")!, EXTERNAL, port), `alertmanager -> :${port}`);
            }
        });
    });
}

describe("alert receivers from config", () => {
    it("sends each level to what config names, with every credential secret in what is declared", async () => {
        const d = await declare({ stack: "prod", config: { alertReceivers: ALL_KINDS }, secrets: ["alertReceivers"] });
        const am = alertmanagerFile(d);
        const byName = new Map(am.receivers.map((r) => [r.name, r]));
        assert.deepEqual((byName.get("L1-devops")!.email_configs as { to: string }[]).map((e) => e.to), ["devops@example.com"]);
        assert.equal((byName.get("L1-devops")!.slack_configs as { api_url: string; channel: string }[])[0]!.channel, "#devops");
        assert.equal((byName.get("L2-sre")!.pagerduty_configs as { routing_key: string }[])[0]!.routing_key, `${CREDENTIAL}-pagerduty`);
        assert.match((byName.get("L3-development")!.webhook_configs as { url: string }[])[0]!.url, /chat\.example\.com:8443/);
        assert.equal(am.global.smtp_smarthost, "smtp.example.com:587");
        assert.equal(am.global.smtp_auth_password, `${CREDENTIAL}-smtp`);
        assert.equal(am.global.smtp_auth_username, "alerts");
        // Every notification says when its alert resolves, so nobody keeps chasing a fixed outage.
        const configs = am.receivers.flatMap((r) => Object.entries(r).filter(([k]) => k.endsWith("_configs")).flatMap(([, v]) => v as { send_resolved?: boolean }[]));
        assert.equal(configs.length, 4, "email, Slack, PagerDuty, webhook");
        assert.ok(configs.every((c) => c.send_resolved === true), JSON.stringify(configs));
        // Slack shows what fired, where, and the runbook to follow.
        const slack = (byName.get("L1-devops")!.slack_configs as { title: string; text: string }[])[0]!;
        assert.match(slack.title, /\.Status/);
        assert.match(slack.title, /alertname/);
        assert.match(slack.text, /\.Annotations\.summary/);
        assert.match(slack.text, /runbook_url/);

        const visible = JSON.stringify([d.resources.map((r) => withoutSecrets(r.inputs)), Object.entries(d.outputs).filter(([k]) => !d.secretOutputs.includes(k))]);
        assert.ok(!visible.includes(CREDENTIAL), "a credential is visible outside a secret");
        // They are there, marked secret: the check above is not vacuous.
        assert.ok(JSON.stringify(d.resources.map((r) => r.inputs)).includes(`${CREDENTIAL}-slack`));
    });

    it("opens exactly the ports the receivers use", async () => {
        const out = async (receivers: object) => {
            const d = await declare({ stack: "prod", config: { alertReceivers: receivers }, secrets: ["alertReceivers"] });
            const alertmanager = podsOf(d.objects).find((p) => p.name === "alertmanager")!;
            return [25, 80, 443, 587, 8443].filter((port) => canConnect(d.objects, alertmanager, EXTERNAL, port));
        };
        // Each URL's port, or its scheme's; the mail server's.
        assert.deepEqual(await out(ALL_KINDS), [443, 587, 8443]);
        assert.deepEqual(await out({ L1: { slack: [{ url: "https://hooks.slack.com/services/x" }] }, L2: { webhook: [{ url: "http://pager.example.com/hook" }] } }), [80, 443]);
        assert.deepEqual(await out({ L3: { pagerduty: [{ routingKey: "k" }] } }), [443]);
        assert.deepEqual(await out({ smtp: { smarthost: "mail.example.com:25", from: "a@example.com" }, L1: { email: ["x@example.com"] } }), [25]);
        assert.deepEqual(await out({ smtp: { smarthost: "mail.example.com:25", from: "a@example.com" } }), [], "a mail server nobody mails through opens nothing");
    });

    it("rolls Alertmanager when a receiver changes, and nothing else", async () => {
        const before = await declare({ stack: "prod", config: { alertReceivers: ALL_KINDS }, secrets: ["alertReceivers"] });
        const changed = { ...ALL_KINDS, L2: { pagerduty: [{ routingKey: "another-key" }] } };
        const after = await declare({ stack: "prod", config: { alertReceivers: changed }, secrets: ["alertReceivers"] });
        const template = (r: Declared, kind: string, name: string) => JSON.stringify(podTemplate(find(r.objects, kind, name)));
        assert.notEqual(template(before, "StatefulSet", "alertmanager"), template(after, "StatefulSet", "alertmanager"));
        assert.equal(template(before, "StatefulSet", "prometheus"), template(after, "StatefulSet", "prometheus"));
    });

    it("refuses a credential in plain text, naming its path and never its value", async () => {
        const error = await refusal({ stack: "prod", config: { alertReceivers: ALL_KINDS } });
        for (const path of ["smtp.password", "L1.slack[0].url", "L2.pagerduty[0].routingKey", "L3.webhook[0].url"]) {
            assert.match(error.message, new RegExp(`ecommerce:alertReceivers\\.${path.replace(/[.[\]]/g, "\\$&")}: is a credential and must be a Pulumi secret`));
            assert.ok(error.message.includes(`pulumi config set --secret --path 'alertReceivers.${path}'`), path);
        }
        assert.ok(!error.message.includes(CREDENTIAL), error.message);
    });

    it("accepts addresses without credentials in plain text", async () => {
        const d = await declare({
            stack: "dev",
            config: { alertReceivers: { smtp: { smarthost: "mail.internal:25", from: "am@example.com", requireTls: false }, L1: { email: ["oncall@example.com"] } } },
        });
        assert.equal(alertmanagerFile(d).global.smtp_require_tls, false);
    });

    for (const [what, receivers, expected] of [
        ["a URL that is not one, without showing it", { L1: { webhook: [{ url: `not a url ${CREDENTIAL}` }] } }, /ecommerce:alertReceivers\.L1\.webhook\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/],
        ["email with no mail server", { L2: { email: ["sre@example.com"] } }, /ecommerce:alertReceivers\.smtp: L2 has email receivers, so the mail server is needed/],
        ["a level the manual does not have", { L4: { email: ["x@example.com"] } }, /ecommerce:alertReceivers\.L4: unknown key; allowed keys here: smtp, L1, L2, L3/],
        ["a kind Alertmanager is not given here", { L1: { teams: [{ url: "https://x.example.com" }] } }, /ecommerce:alertReceivers\.L1\.teams: unknown key; allowed keys here: email, slack, pagerduty, webhook/],
        ["a smarthost without its port", { smtp: { smarthost: "smtp.example.com", from: "a@example.com" } }, /ecommerce:alertReceivers\.smtp\.smarthost: must be host:port/],
        ["a username without password", { smtp: { smarthost: "smtp.example.com:587", from: "a@example.com", username: "u" } }, /ecommerce:alertReceivers\.smtp: username and password go together/],
    ] as const) {
        it(`refuses ${what}`, async () => {
            const error = await refusal({ stack: "dev", config: { alertReceivers: receivers }, secrets: ["alertReceivers"] });
            assert.match(error.message, expected);
            assert.ok(!error.message.includes(CREDENTIAL), error.message);
        });
    }

    it("takes a mail server without a login, and sends no credentials then", async () => {
        const d = await declare({ stack: "prod", config: { alertReceivers: { smtp: { smarthost: "smtp.example.com:25", from: "a@example.com" }, L1: { email: ["ops@example.com"] } } }, secrets: ["alertReceivers"] });
        const global = alertmanagerFile(d).global;
        assert.equal(global.smtp_smarthost, "smtp.example.com:25");
        assert.ok(!("smtp_auth_username" in global) && !("smtp_auth_password" in global), JSON.stringify(global));
    });

    it("says in preview which levels nobody hears, and nothing once all have a receiver", () => {
        const none = { email: [], slack: [], pagerduty: [], webhook: [] };
        const notice = silentNotice({ receivers: { L1: { ...none, email: ["a@example.com"] }, L2: none, L3: none } }, "kubectl port-forward ...");
        assert.match(notice!, /L2-sre, L3-development have no receiver/);
        assert.ok(!notice!.includes("L1"));
        const all = { ...none, webhook: [{ url: "https://x.example.com" }] };
        assert.equal(silentNotice({ receivers: { L1: all, L2: all, L3: all } }, ""), undefined);
        const one = silentNotice({ receivers: { L1: all, L2: all, L3: none } }, "kubectl port-forward -n dev svc/alertmanager 9093:9093");
        assert.match(one!, /^Alertmanager: L3-development has no receiver in alertReceivers; .*\(kubectl port-forward -n dev svc\/alertmanager 9093:9093\)$/);
    });
});

describe("alerting switched off", () => {
    it("declares no Alertmanager, and Prometheus sends nowhere", async () => {
        const d = await declare({ stack: "prod", config: { observability: { alerting: { enabled: false } } } });
        assert.equal(ofKind(d.objects, "StatefulSet").filter((s) => s.metadata.name === "alertmanager").length, 0);
        assert.equal(d.objects.filter((o) => o.metadata.name.startsWith("alertmanager")).length, 0);
        assert.equal((prometheusFiles(d).config as { alerting?: unknown }).alerting, undefined);
        assert.ok(!("Alertmanager" in (d.outputs.tools as Record<string, string>)));
    });

    it("goes with metrics, and refuses to be turned on without them", async () => {
        const d = await declare({ stack: "dev", config: { observability: { metrics: { enabled: false } } } });
        assert.equal(d.objects.filter((o) => o.metadata.name === "alertmanager").length, 0);
        const error = await refusal({ stack: "dev", config: { observability: { metrics: { enabled: false }, alerting: { enabled: true } } } });
        assert.match(error.message, /ecommerce:observability\.alerting\.enabled: Alertmanager routes Prometheus' alerts, so it needs ecommerce:observability\.metrics\.enabled: true/);
    });
});

describe("local stack: Alertmanager", () => {
    it("runs as a container Prometheus sends to, its file secret, published on 9093", async () => {
        const d = await declare({ stack: "local", config: { alertReceivers: ALL_KINDS }, secrets: ["alertReceivers"] });
        const container = recorded(d.resources, "docker:index/container:Container", "alertmanager");
        assert.ok(container, "an alertmanager container");
        assert.ok(!JSON.stringify(withoutSecrets(container.inputs)).includes(CREDENTIAL), "its file is secret");
        assert.ok(JSON.stringify(container.inputs).includes(CREDENTIAL));
        assert.equal((d.outputs.urls as Record<string, string>).Alertmanager, "http://localhost:9093");
        const prometheus = recorded(d.resources, "docker:index/container:Container", "prometheus")!;
        const uploads = prometheus.inputs.uploads as { file: string; content: string }[];
        const config = parse(uploads.find((u) => u.file.endsWith("prometheus.yml"))!.content) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
        assert.deepEqual(config.alerting.alertmanagers[0]!.static_configs[0]!.targets, ["alertmanager:9093"]);
    });
});

describe("docs/alerts.md: alert timings", () => {
    it("shows the timings the generated routes use, per severity", async () => {
        const readme = fs.readFileSync(`${__dirname}/../docs/alerts.md`, "utf8");
        const { route } = alertmanagerFile(await declare({ stack: "dev" }));
        for (const severity of SEVERITIES) {
            const row = readme.split("\n").find((line) => line.trim().startsWith(`| ${severity} |`));
            assert.ok(row, `docs/alerts.md has no timing row for ${severity}`);
            const child = route.routes!.find((r) => r.matchers?.includes(`severity="${severity}"`))!;
            const shown = [...row.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
            assert.deepEqual(shown, [child.group_wait, child.group_interval, child.repeat_interval], severity);
        }
    });
});
