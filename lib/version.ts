import config from "../deno.json" with { type: "json" };

export const TOOL_NAME = "connect-quick-connects";
export const VERSION: string = config.version;
