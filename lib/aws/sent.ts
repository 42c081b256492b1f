/**
 * Whether a call has left the process: a request that was handed to the HTTP layer may
 * have been applied even if no answer ever comes, while one still waiting for the rate
 * limiter (or stopped by it) never reached the service. The report tells these apart
 * ("may have been created" versus "not attempted"), so it must know, live, even when the
 * process is stopped before the call settles.
 */
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  MetadataBearer,
  MiddlewareStack,
} from "@smithy/types";

/**
 * Calls `onLeft` each time an attempt of `command` is handed to the HTTP layer. The
 * middleware sits innermost on the command's own stack (deserialize step, low priority),
 * after every client middleware of the earlier steps: the retry loop and the rate limiter
 * run in finalizeRequest, so it sees only attempts that got past the limiter.
 */
export function onLeave<I extends object, O extends MetadataBearer>(
  command: { middlewareStack: MiddlewareStack<I, O> },
  onLeft: () => void,
): void {
  command.middlewareStack.add(
    (next: DeserializeHandler<I, O>) => (args: DeserializeHandlerArguments<I>) => {
      onLeft();
      return next(args);
    },
    { step: "deserialize", priority: "low", name: "connectCallLeft" },
  );
}
