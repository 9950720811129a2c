/** SNS topics; Publish records the message so tests and snapshots can see what ecsdeploy notified. */
import { SandboxApiError } from '../errors.js';
import type { WorldContext } from './context.js';
import { optString, reqString, type Input } from './input.js';

export function createTopicState(w: WorldContext, name: string, arn?: string): string {
  const topicArn = arn ?? w.arn('sns', name);
  if (!w.st.sns.topics[topicArn]) w.st.sns.topics[topicArn] = { topicArn, name, attributes: {} };
  return topicArn;
}

export const snsOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  CreateTopic(w, input) {
    const name = reqString(input, 'Name', 'InvalidParameter');
    if (!/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name)) throw new SandboxApiError('InvalidParameter', 'Invalid parameter: Topic Name');
    return { TopicArn: createTopicState(w, name) };
  },
  ListTopics(w) {
    return { Topics: Object.keys(w.st.sns.topics).map((TopicArn) => ({ TopicArn })) };
  },
  Publish(w, input) {
    const topicArn = optString(input, 'TopicArn') ?? optString(input, 'TargetArn');
    if (!topicArn)
      throw new SandboxApiError('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    if (!w.st.sns.topics[topicArn]) throw new SandboxApiError('NotFound', 'Topic does not exist', 404);
    const message = reqString(input, 'Message', 'InvalidParameter');
    const messageId = w.uuid();
    w.st.sns.messages.push({ messageId, topicArn, subject: optString(input, 'Subject'), message, publishedAt: w.now });
    return { MessageId: messageId };
  },
};
