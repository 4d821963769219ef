/** Entry point for `pulumi up`/`preview`: the stack is chosen with `-s dev|prod`. */
import { defineStack } from "./stacks/program";

const outputs = defineStack();

export const namespace = outputs.namespace;
export const database = outputs.database;
export const gatewayUrl = outputs.gatewayUrl;
export const serviceUrls = outputs.serviceUrls;
export const tools = outputs.tools;
export const logs = outputs.logs;
export const grafanaAdminPassword = outputs.grafanaAdminPassword;
