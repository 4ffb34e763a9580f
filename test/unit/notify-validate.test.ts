/**
 * SNS input rules. Oracle: the SNS API reference (CreateTopic: names of 1–256 letters, digits,
 * hyphens and underscores; Publish: Subject under 100 characters without line breaks or control
 * characters, at most 10 message attributes of type String, Number, Binary or String.Array with
 * optional custom suffixes, MessageStructure=json needs a string `default` and ignores keys whose values are not strings) and aws-facts.md for wording.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEmail, checkSubject, checkTopicName, checkUrl, messageAttributes, parseStructured } from '../../src/notify/validate.js';
import { SnsError } from '../../src/notify/errors.js';
import { parseSnsArn } from '../../src/notify/model.js';
import { endpointView } from '../../src/notify/endpoint-view.js';

const msg = (f: () => unknown) => { try { f(); } catch (e) { assert.ok(e instanceof SnsError); return e.message; } return 'ok'; };

describe('SNS input rules', () => {
  it('topic names', () => {
    assert.equal(msg(() => checkTopicName('a'.repeat(256))), 'ok');
    assert.equal(msg(() => checkTopicName('My_topic-1')), 'ok');
    assert.equal(msg(() => checkTopicName('a'.repeat(257))), 'Invalid parameter: Topic Name');
    assert.equal(msg(() => checkTopicName('')), 'Invalid parameter: Topic Name');
    assert.equal(msg(() => checkTopicName('dots.not.allowed')), 'Invalid parameter: Topic Name');
    assert.match(msg(() => checkTopicName('queue.fifo')), /FIFO topics are not supported/);
  });

  it('subjects', () => {
    assert.equal(msg(() => checkSubject('ALARM: "x" in US East (N. Virginia)')), 'ok');
    assert.equal(msg(() => checkSubject('ü'.repeat(99))), 'ok');
    assert.equal(msg(() => checkSubject('x'.repeat(100))), 'Invalid parameter: Subject');
    assert.equal(msg(() => checkSubject('tab\there')), 'Invalid parameter: Subject');
    assert.equal(msg(() => checkSubject('')), 'Invalid parameter: Subject');
  });

  it('message attributes', () => {
    const r = messageAttributes({ s: { DataType: 'String', StringValue: 'v' }, n: { DataType: 'Number.float', StringValue: '-1.5e3' }, b: { DataType: 'Binary', BinaryValue: 'AAEC' }, a: { DataType: 'String.Array', StringValue: '["x",1]' } });
    assert.deepEqual(r.attrs, { s: { Type: 'String', Value: 'v' }, n: { Type: 'Number.float', Value: '-1.5e3' }, b: { Type: 'Binary', Value: 'AAEC' }, a: { Type: 'String.Array', Value: '["x",1]' } });
    assert.ok(r.bytes > 0);
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, { DataType: 'String', StringValue: 'v' }]));
    assert.equal(msg(() => messageAttributes(eleven)), 'Invalid parameter: MessageAttributes Reason: Number of message attributes [11] exceeds the allowed maximum [10].');
    assert.equal(msg(() => messageAttributes({ x: { DataType: '' } })), "Invalid parameter: The message attribute 'x' must contain non-empty message attribute type.");
    assert.match(msg(() => messageAttributes({ x: { DataType: 'Date', StringValue: '1' } })), /invalid message attribute type, the set of supported type prefixes is Binary, Number, and String/);
    assert.equal(msg(() => messageAttributes({ x: { DataType: 'String' } })), "Invalid parameter: The message attribute 'x' must contain non-empty message attribute value for message attribute type 'String'.");
    assert.equal(msg(() => messageAttributes({ 'AWS.x': { DataType: 'String', StringValue: 'v' } })), "Invalid parameter: The message attribute name 'AWS.x' is invalid.");
    assert.match(msg(() => messageAttributes({ x: { DataType: 'String.Array', StringValue: 'nope' } })), /must be a JSON array/);
  });

  it('MessageStructure=json', () => {
    assert.deepEqual(parseStructured('{"default":"d","email":"e"}'), { default: 'd', email: 'e' });
    assert.equal(msg(() => parseStructured('nope')), 'Invalid parameter: Message Structure - JSON message body failed to parse');
    assert.equal(msg(() => parseStructured('{"http":"x"}')), 'Invalid parameter: Message Structure - No default entry in JSON message body');
    assert.equal(msg(() => parseStructured('["default"]')), 'Invalid parameter: Message Structure - No default entry in JSON message body');
    // "Non-string values will cause the key to be ignored" (Publish API reference): ignored, not refused.
    assert.deepEqual(parseStructured('{"default":"d","http":5,"email":{"x":1}}'), { default: 'd' });
    assert.equal(msg(() => parseStructured('{"default":7}')), 'Invalid parameter: Message Structure - No default entry in JSON message body');
  });

  it('endpoints and ARNs', () => {
    assert.ok(checkEmail('ops@example.com'));
    assert.ok(!checkEmail('not an address'));
    assert.ok(checkUrl('https://h.example/x', 'https'));
    assert.ok(!checkUrl('http://h.example/x', 'https'));
    assert.ok(!checkUrl('ftp://h/x'));
    assert.deepEqual(parseSnsArn('arn:aws:sns:eu-west-1:123456789012:t'), { region: 'eu-west-1', account: '123456789012', topic: 't', subscription: undefined });
    assert.equal(parseSnsArn('arn:aws:sns:eu-west-1:123456789012:t:5f0c')?.subscription, '5f0c');
    assert.equal(parseSnsArn('arn:aws:sqs:eu-west-1:123456789012:q'), undefined);
    assert.equal(parseSnsArn('t'), undefined);
    // Credentials never leave GetSubscriptionAttributes: basic-auth passwords masked, webhook paths cut.
    assert.equal(endpointView('https', 'https://ops:s3cret@h.example/x?y=1'), 'https://ops:****@h.example/x?y=1');
    assert.equal(endpointView('http', 'http://h.example/x'), 'http://h.example/x');
    assert.equal(endpointView('slack', 'https://hooks.slack.com/services/T0/B0/secret'), 'https://hooks.slack.com/…');
    assert.equal(endpointView('email', 'ops@example.com'), 'ops@example.com');
  });
});
