/** Entry point for `pulumi up`/`preview`: the stack is chosen with `-s dev|prod|local`. */
import { defineStack } from "./stacks/program";

// Every field of what the stack defines becomes a stack output.
export = defineStack();
