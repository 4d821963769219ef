/**
 * Stack config exactly as the Pulumi CLI hands it to the program: Pulumi.<stack>.yaml read
 * as the CLI reads YAML (offline/go-yaml.ts), bare keys put under the project's namespace,
 * empty values as "", structured values as Go's JSON (keys sorted), Pulumi.yaml's declared
 * defaults filled in and its declared types enforced with the CLI's own messages. Lets
 * tests, render and bench run a stack's real config without the CLI; the end-to-end suite
 * compares the two on every stack file.
 */
import * as fs from "fs";
import * as path from "path";
import { decodeYaml, goJson, goText, isGoMap, type GoValue } from "./go-yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..");

type DeclaredType = "string" | "integer" | "boolean" | "array";

interface Declaration {
    readonly type?: DeclaredType;
    readonly default?: GoValue;
    readonly hasDefault: boolean;
}

interface Project {
    readonly name: string;
    readonly config: ReadonlyMap<string, Declaration>;
}

function field(map: GoValue, key: string): GoValue | undefined {
    return isGoMap(map) ? map.map.get(key) : undefined;
}

function readProject(dir: string): Project {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = decodeYaml(fs.readFileSync(file, "utf8"), file);
    const name = field(doc, "name");
    if (typeof name !== "string") {
        throw new Error(`${file}: no project name`);
    }
    const config = new Map<string, Declaration>();
    const declared = field(doc, "config");
    for (const [key, value] of isGoMap(declared ?? null) ? (declared as { map: ReadonlyMap<string, GoValue> }).map : []) {
        const type = field(value, "type");
        const hasDefault = isGoMap(value) && value.map.has("default") && value.map.get("default") !== null;
        config.set(key, { type: typeof type === "string" ? (type as DeclaredType) : undefined, default: field(value, "default"), hasDefault });
    }
    return { name, config };
}

export function projectName(dir: string = PROJECT_DIR): string {
    return readProject(dir).name;
}

/** Stacks that have a Pulumi.<stack>.yaml in the project. */
export function stackNames(dir: string = PROJECT_DIR): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** What the CLI passes for one value of the stack file: text as is, "" for none, everything else as Go's JSON. */
export function encode(value: GoValue): string {
    if (value === null) return "";
    if (typeof value === "string") return value;
    if (typeof value === "object" && "time" in value) return value.time;
    return goJson(value);
}

/** A value set from JavaScript (a test's or `--set` override), encoded as if the stack file held it. */
export function encodeJs(value: unknown): string {
    return encode(fromJs(value));
}

function fromJs(value: unknown): GoValue {
    if (value === null || value === undefined) return null;
    if (typeof value === "string" || typeof value === "boolean") return value;
    if (typeof value === "number") return Number.isInteger(value) ? { int: BigInt(value) } : { float: value };
    if (Array.isArray(value)) return value.map(fromJs);
    return { map: new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJs(v)])) };
}

function isSecure(value: GoValue): boolean {
    return isGoMap(value) && value.map.size === 1 && typeof value.map.get("secure") === "string";
}

/** The CLI's check of a declared type (workspace.ValidateConfigValue), on the value it passes. */
function matchesType(type: DeclaredType, encoded: string, value: GoValue): boolean {
    const structured = isGoMap(value) || Array.isArray(value);
    switch (type) {
        case "string":
            return !structured;
        case "integer":
            return !structured && /^[+-]?[0-9]+$/.test(encoded) && Math.abs(Number(encoded)) < 2 ** 63;
        case "boolean":
            return encoded === "true" || encoded === "false";
        case "array":
            return Array.isArray(value);
    }
}

/** `{"ecommerce:namespace": "dev", ...}`: what the engine puts in PULUMI_CONFIG. */
export function stackConfig(stack: string, dir: string = PROJECT_DIR): Record<string, string> {
    const project = readProject(dir);
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack "${stack}": ${file} does not exist (stacks here: ${stackNames(dir).join(", ")})`);
    }
    const config: Record<string, string> = {};
    const values = new Map<string, GoValue>();
    const stackFile = field(decodeYaml(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""), file), "config");
    for (const [key, value] of isGoMap(stackFile ?? null) ? (stackFile as { map: ReadonlyMap<string, GoValue> }).map : []) {
        // A bare key belongs to the project, as the CLI rewrites it.
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (isSecure(value)) {
            throw new Error(`${file}: ${full} is an encrypted secret; offline runs cannot decrypt it`);
        }
        try {
            config[full] = encode(value);
        } catch (error) {
            throw new Error(`${file}: ${full}: ${(error as Error).message}`);
        }
        values.set(full, value);
    }
    const missing: string[] = [];
    for (const [key, declaration] of [...project.config].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const full = `${project.name}:${key}`;
        if (config[full] === undefined) {
            if (declaration.hasDefault) {
                const value = declaration.default!;
                config[full] = isGoMap(value) || Array.isArray(value) ? goJson(value) : goText(value);
            } else {
                missing.push(key);
            }
            continue;
        }
        if (declaration.type && !matchesType(declaration.type, config[full]!, values.get(full)!)) {
            throw new Error(`validating stack config: Stack '${stack}' with configuration key '${key}' must be of type '${declaration.type}'`);
        }
    }
    if (missing.length > 0) {
        const keys = missing.length === 1 ? `'${missing[0]}'` : `${missing.slice(0, -1).map((k) => `'${k}'`).join(", ")} and '${missing.at(-1)}'`;
        throw new Error(`Stack '${stack}' is missing configuration value${missing.length === 1 ? "" : "s"} ${keys}`);
    }
    return config;
}
