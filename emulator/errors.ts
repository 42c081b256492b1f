/**
 * Amazon Connect error model for the emulator.
 *
 * restJson1 servers put the error type in the `X-Amzn-ErrorType` header and the
 * text in the body; every Connect error shape models the text as `Message`
 * (docs/connect-api.md §1). We send `message` too because some clients read only
 * the lower-case form.
 */

/** An error the emulator returns as an HTTP response. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const invalidParameter = (message: string): ApiError =>
  new ApiError("InvalidParameterException", 400, message);

export const invalidRequest = (message: string): ApiError =>
  new ApiError("InvalidRequestException", 400, message);

export const notFound = (message: string): ApiError =>
  new ApiError("ResourceNotFoundException", 404, message);

export const duplicate = (message: string): ApiError =>
  new ApiError("DuplicateResourceException", 409, message);

export const limitExceeded = (message: string): ApiError =>
  new ApiError("LimitExceededException", 429, message);

export const throttled = (): ApiError => new ApiError("ThrottlingException", 429, "Rate exceeded");

/**
 * Not in the quick connect model (only ThrottlingException is), but a Connect
 * error elsewhere in the API, and the name AWS's own CloudFormation handler for
 * Connect matches (docs/live-service.md §7). Status 429 is what makes any client treat
 * it as throttling, whatever it knows of the name.
 */
export const tooManyRequests = (): ApiError =>
  new ApiError("TooManyRequestsException", 429, "Too many requests");

export const internal = (message = "Internal service error"): ApiError =>
  new ApiError("InternalServiceException", 500, message);

export const accessDenied = (
  message = "You do not have sufficient access to perform this action.",
): ApiError => new ApiError("AccessDeniedException", 403, message);

/** Malformed JSON or a member of the wrong JSON type: the framework error AWS sends. */
export const serialization = (message: string): ApiError =>
  new ApiError("SerializationException", 400, message);
