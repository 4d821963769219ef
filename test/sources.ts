/**
 * Expected values read from the source documents themselves (docs/sources/), not from
 * the catalog, so the tests check the program against the manual and not against itself.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const SOURCES = path.resolve(__dirname, "..", "docs", "sources");
const manual = fs.readFileSync(path.join(SOURCES, "operations-manual.es.md"), "utf8");
const reference = fs.readFileSync(path.join(SOURCES, "reference-system.md"), "utf8");

export interface ManualService {
    /** Kubernetes name: the manual's title in kebab case ("API Gateway" -> "api-gateway"). */
    readonly name: string;
    readonly title: string;
    readonly port: number;
}

function tableRows(text: string, header: string): string[][] {
    const start = text.indexOf(header);
    if (start < 0) {
        throw new Error(`table "${header}" not found`);
    }
    const rows: string[][] = [];
    for (const line of text.slice(start).split("\n").slice(2)) {
        if (!line.startsWith("|")) {
            break;
        }
        rows.push(line.split("|").slice(1, -1).map((c) => c.trim()));
    }
    return rows;
}

/** Manual section 2.1, "Componentes Principales". */
export const MANUAL_SERVICES: readonly ManualService[] = tableRows(manual, "| Servicio | Puerto |").map(([title, port]) => ({
    title: title!,
    name: title!.toLowerCase().replace(/\s+/g, "-"),
    port: Number(port),
}));

/** Manual 7.1: `kubectl autoscale ... --min=2 --max=10 --cpu-percent=70`. */
export const MANUAL_HPA = (() => {
    const m = /kubectl autoscale .* --min=(\d+) --max=(\d+) --cpu-percent=(\d+)/.exec(manual);
    if (!m) {
        throw new Error("manual 7.1 autoscale command not found");
    }
    return { min: Number(m[1]), max: Number(m[2]), cpu: Number(m[3]) };
})();

/** Manual 7.2: the `resources:` block. */
export const MANUAL_RESOURCES = (() => {
    const m = /```yaml\n# Actualizar recursos en deployment\n([\s\S]*?)```/.exec(manual);
    if (!m) {
        throw new Error("manual 7.2 resources block not found");
    }
    return (parse(m[1]!) as { resources: { requests: Record<string, string>; limits: Record<string, string> } }).resources;
})();

/** Manual 9.1: the order in which the critical services are (re)started. */
export const MANUAL_START_ORDER: readonly string[] = [...manual.slice(manual.indexOf("### 9.1")).matchAll(/kubectl apply -f k8s\/([a-z-]+)\.yaml/g)].map((m) => m[1]!);

export interface ReferenceService {
    readonly name: string;
    readonly port: number;
    readonly contextPath: string;
}

/** reference-system.md, "Services, images, paths". */
export const REFERENCE_SERVICES: readonly ReferenceService[] = tableRows(reference, "| name | manual port |").map(([name, port, , ctx]) => ({
    name: name!.split(" ")[0]!,
    port: Number(port),
    contextPath: ctx === "/" ? "" : ctx!,
}));

export const REFERENCE_IMAGE = (() => {
    const m = /`([a-z]+)\/<name>-ecommerce-boot:([0-9.]+)`/.exec(reference);
    if (!m) {
        throw new Error("reference image pattern not found");
    }
    return { owner: m[1]!, tag: m[2]! };
})();

/** Manual 4.2, "Acceso a Herramientas": tool name -> port of its URL. */
export const MANUAL_TOOLS: Readonly<Record<string, number>> = Object.fromEntries(
    [...manual.matchAll(/^- \*\*([^*]+)\*\*: http:\/\/localhost:(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]),
);

/** Manual 4.2, "Consultas Prometheus Útiles": the queries, in order. */
export const MANUAL_PROMQL: readonly string[] = (() => {
    const block = /```promql\n([\s\S]*?)```/.exec(manual);
    if (!block) {
        throw new Error("manual 4.2 PromQL block not found");
    }
    return block[1]!.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
})();

/** Manual 4.3: its Kibana queries, in order, as written. */
export const MANUAL_KIBANA_QUERIES: readonly string[] = (() => {
    const block = /# Errores en últimas 24h\n([\s\S]*?)```/.exec(manual)!;
    return block[1]!.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
})();

/** Manual 4.3: the fields its Kibana queries filter on. */
export const MANUAL_KIBANA_FIELDS: readonly string[] = (() => {
    const block = /# Errores en últimas 24h\n([\s\S]*?)```/.exec(manual)!;
    return [...new Set([...block[1]!.matchAll(/([A-Za-z_@.]+):/g)].map((m) => m[1]!))];
})();

/** reference-system.md's metrics column: which services Prometheus cannot scrape anonymously. */
export const REFERENCE_UNSCRAPEABLE: readonly string[] = tableRows(reference, "| name | manual port |")
    .filter((row) => /ADMIN role/.test(row[5] ?? ""))
    .map((row) => row[0]!.split(" ")[0]!);

/** Manual 10.2's severity of each generated alert: a service down is P0, errors P1, latency P2, heap pressure P3. */
export const MANUAL_ALERT_SEVERITY: Readonly<Record<string, string>> = { ServiceDown: "P0", HighErrorRate: "P1", HighLatencyP95: "P2", HeapPressure: "P3" };
