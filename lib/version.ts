import config from "../deno.json" with { type: "json" };

export const TOOL_NAME = "connect-quick-connects";
export const VERSION: string = config.version;

/** What `--version` prints, however the command was started: the tool, the command, the version. */
export function versionLine(command: string): string {
  return `${TOOL_NAME} ${command} ${VERSION}`;
}
