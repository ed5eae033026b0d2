/** SQS SendMessageBatch's answer when every entry went through (MessageId `m-<Id>`). */
export function acceptSendMessageBatch(input: { Entries?: { Id?: string | undefined }[] | undefined }) {
  return {
    Successful: (input.Entries ?? []).map(({ Id }) => sentEntry(Id)),
    Failed: [],
  };
}

/**
 * SQS SendMessageBatch's answer when the entries `sent` went through and each entry of `failedOnSqs`
 * (Id: error code) failed on SQS's side (SenderFault false: the sender may retry it).
 */
export function partlySentBatch(sent: string[], failedOnSqs: Record<string, string>) {
  return {
    Successful: sent.map(sentEntry),
    Failed: Object.entries(failedOnSqs).map(([Id, Code]) => ({
      Id,
      Code,
      Message: 'try again',
      SenderFault: false,
    })),
  };
}

function sentEntry(Id: string | undefined) {
  return { Id, MessageId: `m-${Id}`, MD5OfMessageBody: 'x' };
}
