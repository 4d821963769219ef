/**
 * Stack config as the Pulumi CLI would hand it to the program: the project's declared
 * defaults from Pulumi.yaml, then the stack's Pulumi.<stack>.yaml on top, values as
 * strings and structured values as JSON. Lets tests, render and bench run a stack's
 * real config without the CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..");

interface ProjectFile {
    readonly name: string;
    readonly config?: Record<string, { readonly default?: unknown } | undefined>;
}

interface StackFile {
    readonly config?: Record<string, unknown>;
}

export function projectName(dir: string = PROJECT_DIR): string {
    return readYaml<ProjectFile>(path.join(dir, "Pulumi.yaml")).name;
}

/** Stacks that have a Pulumi.<stack>.yaml in the project. */
export function stackNames(dir: string = PROJECT_DIR): string[] {
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** `{"ecommerce:namespace": "dev", ...}`: what the engine puts in PULUMI_CONFIG. */
export function stackConfig(stack: string, dir: string = PROJECT_DIR): Record<string, string> {
    const project = readYaml<ProjectFile>(path.join(dir, "Pulumi.yaml"));
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack "${stack}": ${file} does not exist (stacks here: ${stackNames(dir).join(", ")})`);
    }
    const config: Record<string, string> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration?.default !== undefined) {
            config[`${project.name}:${key}`] = encode(declaration.default);
        }
    }
    for (const [key, value] of Object.entries(readYaml<StackFile>(file).config ?? {})) {
        if (isSecure(value)) {
            throw new Error(`${file}: ${key} is an encrypted secret; offline runs cannot decrypt it`);
        }
        config[key] = encode(value);
    }
    return config;
}

/** The engine's encoding of a config value: scalars as text, mappings and lists as JSON. */
export function encode(value: unknown): string {
    return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && "secure" in value;
}

function readYaml<T>(file: string): T {
    return parse(fs.readFileSync(file, "utf8")) as T;
}
