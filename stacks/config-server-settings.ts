/**
 * Resolves `configServerFolder`: where cloud-config gets the configuration it serves. Empty
 * keeps the images' default (a Git repository cloned at start, over the internet); a folder
 * of this project is served from a ConfigMap with Spring Cloud Config's `native` profile.
 */
import * as fs from "fs";
import * as path from "path";
import type { ConfigServerSettings } from "../settings";

/** The project root: folders in config are relative to it, wherever the CLI runs. */
const PROJECT_ROOT = path.resolve(__dirname, "..");

/** What a ConfigMap may hold, with room left for its metadata under the API's 1 MiB. */
const MAX_BYTES = 900 * 1024;
const CONFIG_FILE = /\.(ya?ml|properties|json)$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

export function resolveConfigServer(folder: string, key: string, problems: string[]): ConfigServerSettings {
    if (folder === "") {
        return { kind: "git" };
    }
    const dir = path.resolve(PROJECT_ROOT, folder);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        problems.push(`${key}: ${JSON.stringify(folder)} is not a folder (looked for ${dir}); give a folder of this project holding the configuration files, or "" to clone from Git`);
        return { kind: "git" };
    }
    const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith("."));
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    if (folders.length > 0) {
        problems.push(`${key}: ${JSON.stringify(folder)} holds folders (${folders.join(", ")}); a ConfigMap is flat: put every file at the top of the folder`);
    }
    const names = entries.filter((e) => e.isFile() && CONFIG_FILE.test(e.name)).map((e) => e.name).sort();
    if (names.length === 0) {
        problems.push(`${key}: ${JSON.stringify(folder)} holds no configuration file (.yml, .yaml, .properties or .json), so cloud-config would serve nothing`);
    }
    const badNames = names.filter((n) => !CONFIGMAP_KEY.test(n));
    if (badNames.length > 0) {
        problems.push(`${key}: file names may hold only letters, digits, '-', '_' and '.': ${badNames.join(", ")}`);
    }
    const files = Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, n), "utf8")]));
    const bytes = Object.entries(files).reduce((n, [name, text]) => n + name.length + Buffer.byteLength(text), 0);
    if (bytes > MAX_BYTES) {
        problems.push(`${key}: the files add up to ${Math.ceil(bytes / 1024)} KiB; a ConfigMap holds at most ${MAX_BYTES / 1024} KiB here`);
    }
    return { kind: "native", folder, files };
}
