/**
 * What the real CLI hands a program for a stack file: a throwaway project with this
 * project's Pulumi.yaml (name, config declarations) and a program that only exports
 * `pulumi.runtime.allConfig()`, run with `pulumi up` on a file backend.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { PROJECT_DIR } from "../offline/stack-config";
import { Workspace } from "./workspace";
import type { E2eTarget } from "./prerequisites";

export type ProbeResult = { readonly config: Record<string, string> } | { readonly error: string };

export class ConfigProbe {
    private constructor(private readonly ws: Workspace) {}

    static create(target: E2eTarget): ConfigProbe {
        const ws = Workspace.create(target, PROJECT_DIR, { copy: false });
        const project = parseDocument(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
        project.set("runtime", "nodejs");
        project.set("main", "index.js");
        fs.writeFileSync(path.join(ws.dir, "Pulumi.yaml"), project.toString());
        fs.writeFileSync(path.join(ws.dir, "package.json"), JSON.stringify({ name: "config-probe", private: true }));
        fs.writeFileSync(path.join(ws.dir, "index.js"), 'module.exports = { config: require("@pulumi/pulumi").runtime.allConfig() };\n');
        return new ConfigProbe(ws);
    }

    /** Runs the stack file's text through the CLI; the config it gave, or the error it stopped with. */
    async run(stack: string, stackFile: string): Promise<ProbeResult> {
        const file = path.join(this.ws.dir, `Pulumi.${stack}.yaml`);
        // `stack init` rewrites an existing stack file, so the file goes in afterwards.
        const init = await this.ws.pulumi(["stack", "init", stack]);
        if (init.code !== 0) {
            throw new Error(`pulumi stack init ${stack}: ${init.stderr}`);
        }
        const salt = /^encryptionsalt: .*$/m.exec(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "")?.[0];
        fs.writeFileSync(file, `${stackFile}${salt ? `${salt}\n` : ""}`);
        const up = await this.ws.pulumi(["up", "-s", stack, "--yes", "--skip-preview"]);
        if (up.code !== 0) {
            const error = /error: (.*)/.exec(`${up.stdout}\n${up.stderr}`)?.[1] ?? `exit ${up.code}`;
            return { error: error.trim() };
        }
        const out = await this.ws.pulumi(["stack", "output", "-s", stack, "--json", "--show-secrets", "config"]);
        return { config: JSON.parse(out.stdout) as Record<string, string> };
    }

    dispose(): void {
        this.ws.dispose();
    }
}
