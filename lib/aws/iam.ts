/**
 * The IAM actions each command calls: the policies in docs/credentials-and-iam.md are these
 * lists, and tests/iam_test.ts runs both commands with every other action denied.
 */

/** Export is read only. ListTagsForResource is not needed: Search and Describe carry tags. */
export const EXPORT_ACTIONS: readonly string[] = [
  "connect:SearchQuickConnects",
  "connect:ListQuickConnects",
  "connect:DescribeQuickConnect",
  "connect:ListUsers",
  "connect:ListQueues",
  "connect:ListContactFlows",
  "connect:ListQueueQuickConnects",
  "connect:SearchRoutingProfiles",
];

/** Import reads the target like export does, then writes. */
export const IMPORT_ACTIONS: readonly string[] = [
  ...EXPORT_ACTIONS,
  "connect:CreateQuickConnect",
  "connect:UpdateQuickConnectName",
  "connect:UpdateQuickConnectConfig",
  "connect:TagResource",
  "connect:UntagResource",
  "connect:AssociateQueueQuickConnects",
];

/** Only with --prune, --prune-links or --undo (which remove what a run added). */
export const SYNC_ACTIONS: readonly string[] = [
  "connect:DeleteQuickConnect",
  "connect:DisassociateQueueQuickConnects",
];
