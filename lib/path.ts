/** A file path as the run uses it (absolute) and as the user typed it (for messages). */
export interface Path {
  path: string;
  shown: string;
}
