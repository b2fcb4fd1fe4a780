/**
 * Dapr component names, defined once. Every profile under components/ declares components
 * with these names, so services never change when a platform team swaps a backend.
 */
export const components = {
  pubsub: 'pubsub',
  /** Every instance of a subscribing app receives every event (chat delivery across instances). */
  fanout: 'fanout',
  state: 'statestore',
  /** Output bindings that send an email (bindings.smtp, or an HTTP email API) and a text message. */
  email: 'email',
  sms: 'sms',
  /** Object storage for uploads (bindings.aws.s3 on any S3-compatible service; a folder in the memory profile). */
  media: 'media',
} as const;
